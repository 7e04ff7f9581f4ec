#pragma once
// The Comment (DCM 121106) of a measurement report with no finding, as the writer words it and
// the reader reads it back: a conclusive "no tear" is the plain sentence, exactly; an
// inconclusive one leads with the verdict (list views and dumps shorten long text) and says why.
namespace ft::dicom {

inline constexpr char kNoFindingComment[] = "No muscle fibre discontinuity opened under contraction.";
inline constexpr char kInconclusiveComment[] = "Inconclusive, a tear cannot be ruled out: ";

}  // namespace ft::dicom

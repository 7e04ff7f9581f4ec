#pragma once
// How far the detector's decisions hang on thousandths of a pixel. A better sub-pixel
// interpolator moves every displacement by up to 0.02 px, depending on where it falls between
// pixels (docs/benchmarks.md, "Sub-pixel bias"); the detector must give the same findings on
// such a field before the tracker can be improved. Used by bench_detection --phase-error.
#include <string>

#include "ft/plugin/ClipAnalysis.h"

namespace ft::bench {

// The motion as a tracker whose interpolator has a phase error of amplitude_px would record it:
// every displacement d moved by amplitude_px * sin(2 pi d) (none on a pixel or half-way between).
MotionRecord with_phase_error(MotionRecord m, double amplitude_px);

// What moved when a clip was detected again with a phase error of +amplitude_px and of
// -amplitude_px, against its own detection. A finding moved when its kind changed, its tissue lay
// 2 mm or more from where the first reading's did (compared in frame 0: each is placed in its own
// frame), or its gap changed by 0.5 mm or more. The rest and peak frames are
// named when they moved: alone that is no fault (a plateau's extreme is noise), only a lead.
struct PhaseErrorMoves {
  std::string text = "-";  // in a few words for a table cell; "-" when nothing moved
  bool findings_moved = false;
  bool frames_moved = false;  // the rest or the peak frame
};
// Frames are read through kept (analysed numbering).
PhaseErrorMoves what_moves_with_phase_error(const ClipAnalysis& a, const FrameAt& kept, const AnalysisSettings& settings,
                                            double amplitude_px);

}  // namespace ft::bench

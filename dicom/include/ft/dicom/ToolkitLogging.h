#pragma once
// DCMTK logs parser complaints to stderr on its own. Our tools report every failure
// once, as an ft::Error; call this at program start so that DCMTK stays quiet unless
// the user asked for its detail.

namespace ft::dicom {

void configure_toolkit_logging(bool verbose);

}  // namespace ft::dicom

#pragma once
// Frame sources chosen by URI, the same everywhere (command line, station):
//   sim:PRESET[?seed=N&fps=F]   the built-in simulated probe (the default)
//   file:PATH.dcm[?loop=1]      a DICOM cine replayed as live at its recorded rate
// Schemes not built yet (igtl://, video:) are refused with a clear error.
#include <memory>
#include <string>

#include "ft/probes/FrameSource.h"

namespace ft {

std::unique_ptr<FrameSource> make_frame_source(const std::string& uri);

}  // namespace ft

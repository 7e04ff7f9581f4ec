#include "ft/probes/FrameSource.h"

namespace ft {

const char* to_string(SourceState state) noexcept {
  switch (state) {
    case SourceState::Stopped: return "stopped";
    case SourceState::Connecting: return "connecting";
    case SourceState::Streaming: return "streaming";
    case SourceState::Reconnecting: return "reconnecting";
    case SourceState::Finished: return "finished";
    case SourceState::Failed: return "failed";
  }
  return "unknown";
}

}  // namespace ft

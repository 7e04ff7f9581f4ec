// libFuzzer target for the settings file (nodes, TLS, outbox and store folders, limits): any
// bytes either load or give ft::Error — never a crash, a hang or another exception escaping
// (a hand-edited settings file is the commonest bad input a station sees). What loads must
// save and load again to the same nodes.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "FuzzScratch.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomSettings.h"

namespace {
std::string scratch(const char* name) {
  return fuzz_scratch(name);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = scratch("settings.json");
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  ft::dicom::DicomSettings loaded;
  try {
    loaded = ft::dicom::load_settings(path);
  } catch (const ft::Error&) {
    return 0;  // refused with a clear error: what a bad file should get
  }
  const std::string again = scratch("again.json");
  ft::dicom::save_settings(loaded, again);  // must not throw for settings it accepted
  const ft::dicom::DicomSettings back = ft::dicom::load_settings(again);
  if (back.nodes.size() != loaded.nodes.size()) __builtin_trap();
  for (const auto& [name, node] : loaded.nodes)
    if (back.nodes.at(name).text() != node.text()) __builtin_trap();
  return 0;
}

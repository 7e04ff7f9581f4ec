// fibretrack deidentify: de-identified copies for research sharing (PS3.15 Basic
// Application Level Confidentiality Profile, Clean Pixel Data), calibration kept.
#include <cstdio>
#include <filesystem>

#include "CommandLine.h"
#include "Commands.h"
#include "ft/core/Error.h"
#include "ft/dicom/Deidentifier.h"
#include "ft/dicom/UidFactory.h"

namespace ft::cli {

int run_deidentify(const Args& args) {
  const CommandLine cl(args, {"keep-burned-in"});
  cl.reject_unknown({"keep-burned-in", "patient-id"});
  namespace fs = std::filesystem;
  const fs::path in = cl.positional_at(0, "IN (file or folder)"), out = cl.positional_at(1, "OUT");
  dicom::DeidentifyOptions options;
  options.clean_burned_in_text = !cl.has("keep-burned-in");
  options.patient_id = cl.value_or("patient-id", "");
  options.uid_salt = dicom::new_uid();  // one salt per run: a study stays one study
  if (!fs::exists(in)) throw Error(ErrorCode::NotFound, in.string() + ": no such file or folder");
  std::vector<std::pair<fs::path, fs::path>> jobs;
  if (fs::is_directory(in)) {
    for (const auto& entry : fs::recursive_directory_iterator(in))
      if (entry.is_regular_file()) jobs.emplace_back(entry.path(), out / fs::relative(entry.path(), in));
  } else {
    jobs.emplace_back(in, fs::is_directory(out) ? out / in.filename() : out);
  }
  int written = 0, skipped = 0;
  for (const auto& [from, to] : jobs) {
    try {
      if (to.has_parent_path()) fs::create_directories(to.parent_path());
      const dicom::DeidentifyReport r = dicom::deidentify_file(from.string(), to.string(), options);
      std::printf("%s -> %s: %d removed, %d emptied, %d UIDs replaced%s\n", from.c_str(), to.c_str(),
                  r.attributes_removed, r.attributes_emptied, r.uids_replaced,
                  r.pixels_cleaned ? ", text around the image blanked" : "");
      ++written;
    } catch (const Error& e) {
      if (jobs.size() == 1) throw;
      std::fprintf(stderr, "fibretrack deidentify: skipped %s: %s\n", from.c_str(), e.what());
      ++skipped;
    }
  }
  if (jobs.size() > 1) std::printf("%d files de-identified, %d skipped\n", written, skipped);
  return skipped ? 1 : 0;
}

}  // namespace ft::cli

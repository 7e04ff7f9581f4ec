// fibretrack deidentify: de-identified copies for research sharing (PS3.15 Basic
// Application Level Confidentiality Profile as an allow-list, Clean Pixel Data), calibration
// kept, pseudonyms keyed with the site's key, output named by the new UIDs.
#include <cstdio>
#include <filesystem>

#include "CommandLine.h"
#include "Commands.h"
#include "ft/core/Error.h"
#include "ft/dicom/Deidentifier.h"

namespace ft::cli {
namespace {

// OUT is a folder (files named by their new UIDs), except for one file written to a name that
// ends in .dcm: the user chose that name.
bool writes_one_named_file(const std::filesystem::path& in, const std::filesystem::path& out) {
  return !std::filesystem::is_directory(in) && !std::filesystem::is_directory(out) && out.extension() == ".dcm";
}

void print(const dicom::DeidentifyReport& r, const std::filesystem::path& from) {
  const std::string lines = std::to_string(r.text_lines_blanked) + " text lines";
  std::string pixels = !r.pixels_cleaned            ? "pixels copied as they are (burned-in text accepted)"
                       : r.outside_regions_blanked ? "text around the image and " + lines + " within it blanked"
                                                   : "no ultrasound regions: " + lines + " blanked";
  if (r.samples_with_unused_bits_cleared > 0)
    pixels += "; bits outside Bits Stored (an overlay?) cleared in " + std::to_string(r.samples_with_unused_bits_cleared) +
              " samples";
  std::printf("%s -> %s: %d removed, %d emptied, %d UIDs replaced, %s\n", from.c_str(), r.written_path.c_str(),
              r.attributes_removed, r.attributes_emptied, r.uids_replaced, pixels.c_str());
}

}  // namespace

int run_deidentify(const Args& args) {
  const CommandLine cl(args, {"accept-burned-in"});
  cl.reject_unknown({"accept-burned-in", "patient-id", "key"});
  namespace fs = std::filesystem;
  const fs::path in = cl.positional_at(0, "IN (file or folder)"), out = cl.positional_at(1, "OUT (folder)");
  if (!fs::exists(in)) throw Error(ErrorCode::NotFound, in.string() + ": no such file or folder");
  // The site's own key is made on first use; a key named on the command line must exist.
  const dicom::SiteKey key = cl.has("key") ? dicom::SiteKey::load(cl.value_or("key", ""))
                                           : dicom::SiteKey::load_or_create(dicom::default_site_key_file());
  dicom::DeidentifyOptions options;
  options.accept_burned_in = cl.has("accept-burned-in");
  options.patient_id = cl.value_or("patient-id", "");
  if (writes_one_named_file(in, out)) {
    print(dicom::deidentify_file(in.string(), out.string(), key, options), in);
    return 0;
  }
  std::vector<fs::path> files;
  if (fs::is_directory(in)) {
    for (const auto& entry : fs::recursive_directory_iterator(in))
      if (entry.is_regular_file()) files.push_back(entry.path());
  } else {
    files.push_back(in);
  }
  int written = 0, skipped = 0;
  for (const fs::path& from : files) {
    try {
      print(dicom::deidentify_into_folder(from.string(), out.string(), key, options), from);
      ++written;
    } catch (const Error& e) {
      if (files.size() == 1) throw;
      std::fprintf(stderr, "fibretrack deidentify: skipped %s: %s\n", from.c_str(), e.what());
      ++skipped;
    }
  }
  if (files.size() > 1) std::printf("%d files de-identified, %d skipped\n", written, skipped);
  return skipped ? 1 : 0;
}

}  // namespace ft::cli

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "TestSupport.h"

namespace ft {
namespace {
test::CommandResult fibretrack(const std::string& config, const std::string& args) {
  return test::run_command("FIBRETRACK_CONFIG_DIR='" + config + "' '" + test::cli_path() + "' " + args);
}
}  // namespace

// A folder named after the patient, de-identified twice: the copies carry neither the folder's
// nor the files' names, the site key is made once (0600) and gives the same pseudonyms again,
// and a report in the folder is refused, not copied.
TEST(DeidentifyCommand, CopiesAreNamedByNewUidsWithPseudonymsKeyedOnce) {
  test::TempDir dir;
  const std::string in = dir.file("DOE_JANE_1980");
  std::filesystem::create_directories(in);
  ASSERT_EQ(fibretrack(dir.file("config"), "simulate --preset intact --frames 3 --out '" + in + "/DOE_JANE_knee.dcm'").exit_code, 0);
  ASSERT_EQ(fibretrack(dir.file("config"), "analyze '" + in + "/DOE_JANE_knee.dcm' --dicom-out '" + in + "'").exit_code, 0);
  const test::CommandResult first = fibretrack(dir.file("config"), "deidentify '" + in + "' '" + dir.file("out1") + "'");
  EXPECT_NE(first.exit_code, 0) << "the report was skipped, and said so";
  EXPECT_NE(first.err.find("skipped"), std::string::npos) << first.err;
  const test::CommandResult second = fibretrack(dir.file("config"), "deidentify '" + in + "' '" + dir.file("out2") + "'");
  EXPECT_EQ(test::permissions_of(dir.file("config/deidentify.key")), 0600);
  std::vector<std::string> names1, names2;
  for (const auto& [folder, names] : {std::pair{dir.file("out1"), &names1}, std::pair{dir.file("out2"), &names2}})
    for (const auto& e : std::filesystem::recursive_directory_iterator(folder))
      if (e.is_regular_file()) names->push_back(std::filesystem::relative(e.path(), folder).string());
  ASSERT_EQ(names1.size(), 1u) << first.out << first.err;
  EXPECT_EQ(names1, names2) << "same key, same new UIDs, same names";
  EXPECT_EQ(names1[0].find("DOE"), std::string::npos) << names1[0];
  EXPECT_EQ(names1[0].rfind("2.25.", 0), 0u) << names1[0];
}

TEST(DeidentifyCommand, AnEmptySiteKeyIsAnErrorAndNothingIsWritten) {
  test::TempDir dir;
  ASSERT_EQ(fibretrack(dir.file("config"), "simulate --preset intact --frames 3 --out '" + dir.file("c.dcm") + "'").exit_code, 0);
  std::filesystem::create_directories(dir.file("config"));
  std::ofstream(dir.file("config/deidentify.key")) << "";
  const test::CommandResult r = fibretrack(dir.file("config"), "deidentify '" + dir.file("c.dcm") + "' '" + dir.file("out") + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("empty"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out")));
}

}  // namespace ft

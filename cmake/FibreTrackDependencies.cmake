# Third-party packages, all from Debian 12 (scripts/setup installs them).
# Heavy toolkits (ITK, VTK, Qt) are found in the folders that use them, so that
# the libraries which do not need them stay quick to build.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(DCMTK REQUIRED CONFIG)
find_package(PkgConfig REQUIRED)
pkg_check_modules(OpenJPEG REQUIRED IMPORTED_TARGET libopenjp2)

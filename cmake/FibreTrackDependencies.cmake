# Third-party packages, all from Debian 12 (scripts/setup installs them).
# Heavy toolkits (ITK, VTK, Qt) are found in the folders that use them, so that
# the libraries which do not need them stay quick to build.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
# 3.6.7 at least: earlier releases let a C-GET/C-MOVE peer write outside the target folder
# (path traversal in received file names, CVE-2022-2119/2120).
find_package(DCMTK 3.6.7 REQUIRED CONFIG)
# The TLS layer's host-name check is set on DCMTK's OpenSSL context directly.
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(OpenJPEG REQUIRED IMPORTED_TARGET libopenjp2)
# DICOMweb over HTTP(S) and the local study store's index.
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)

# OpenIGTLink 1.11: Debian's config defines no imported target (see shared/STACK_NOTES.md).
find_path(OPENIGTLINK_INCLUDE_DIR igtlImageMessage.h PATH_SUFFIXES openigtlink REQUIRED)
find_library(OPENIGTLINK_LIBRARY OpenIGTLink REQUIRED)
add_library(FibreTrack::OpenIGTLink INTERFACE IMPORTED)
set_target_properties(FibreTrack::OpenIGTLink PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${OPENIGTLINK_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${OPENIGTLINK_LIBRARY}")

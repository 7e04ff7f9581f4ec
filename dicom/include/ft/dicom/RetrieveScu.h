#pragma once
// Pulling a study back from a PACS for review: C-MOVE to our own storage SCP when a
// retrieve port is configured (the PACS must know our AE title and port) and the node does
// not use TLS, C-GET on the same association otherwise, or WADO-RS for a DICOMweb node.
// Objects of other studies that arrive are dropped. The files land in a folder;
// the caller imports them into the local StudyStore.
#include <functional>
#include <string>
#include <vector>

#include "ft/dicom/DicomNode.h"
#include "ft/dicom/NetworkSettings.h"

namespace ft::dicom {

struct RetrieveResult {
  std::string method;               // "C-MOVE", "C-GET", "WADO-RS"
  std::vector<std::string> files;   // what arrived, in `directory`
  int failed = 0;                   // sub-operations the peer reported as failed
  int warnings = 0;
  int unrequested = 0;              // objects of other studies that arrived, dropped
  std::string refused;              // C-MOVE: who tried to store to us other than the node (empty: nobody)
};

// Throws ft::Error(Network) when the node cannot be reached, refuses, or reports that the
// retrieve failed as a whole; failed single objects are counted in the result.
// `keep_going` (optional) is asked as objects and responses arrive; false stops the
// retrieve (what arrived is kept) with ft::Error(Network) "retrieve cancelled".
RetrieveResult retrieve_study(const DicomNode& node, const std::string& study_instance_uid, const std::string& directory,
                              const NetworkSettings& settings = {}, const std::function<bool()>& keep_going = {});

class StudyStore;

struct StoreRetrieveResult {
  RetrieveResult retrieve;
  int imported = 0;
  std::vector<std::string> not_stored;  // "file: why" for what could not be imported
  std::string error;                    // why the retrieve stopped, when it did
};

// Retrieves into a staging folder of `store` and imports what arrived — also when the
// retrieve failed part-way, so that nothing received is thrown away — then removes the
// staging folder. Network failures are reported in `error`, not thrown.
StoreRetrieveResult retrieve_into_store(const DicomNode& node, const std::string& study_instance_uid, StudyStore& store,
                                        const NetworkSettings& settings = {}, const std::function<bool()>& keep_going = {});

}  // namespace ft::dicom

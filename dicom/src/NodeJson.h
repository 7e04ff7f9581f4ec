#pragma once
// A DicomNode as JSON, the same in the settings file and in outbox jobs.
#include <nlohmann/json.hpp>

#include "ft/dicom/DicomNode.h"

namespace ft::dicom::detail {

nlohmann::json node_to_json(const DicomNode& node);
// Throws nlohmann::json::exception for a missing key.
DicomNode node_from_json(const std::string& name, const nlohmann::json& j);

}  // namespace ft::dicom::detail

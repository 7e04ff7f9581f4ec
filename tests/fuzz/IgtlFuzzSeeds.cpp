// Writes the OpenIGTLink fuzzer's seed corpus into a folder: streams as a PLUS server sends
// them (IMAGE 8- and 16-bit with a TRANSFORM beside, a STATUS between), packed by the
// OpenIGTLink library itself so that the fuzzer starts from valid messages and CRCs.
// usage: igtl_fuzz_seeds FOLDER
#include <igtlImageMessage.h>
#include <igtlStatusMessage.h>
#include <igtlTransformMessage.h>

#include <fstream>
#include <string>

namespace {
void append(std::string& out, igtl::MessageBase& m) {
  m.Pack();
  out.append(static_cast<const char*>(m.GetPackPointer()), std::size_t(m.GetPackSize()));
}

std::string image(int scalar, int w, int h) {
  igtl::ImageMessage::Pointer m = igtl::ImageMessage::New();
  m->SetDimensions(w, h, 1);
  m->SetSpacing(0.1f, 0.1f, 1.0f);
  m->SetScalarType(scalar);
  m->SetDeviceName("Image_Reference");
  m->AllocateScalars();
  auto* p = static_cast<unsigned char*>(m->GetScalarPointer());
  for (int i = 0; i < m->GetImageSize(); ++i) p[i] = static_cast<unsigned char>(i * 7);
  std::string out;
  append(out, *m);
  return out;
}

std::string transform() {
  igtl::TransformMessage::Pointer m = igtl::TransformMessage::New();
  igtl::Matrix4x4 matrix;
  igtl::IdentityMatrix(matrix);
  m->SetMatrix(matrix);
  m->SetDeviceName("ProbeToTracker");
  std::string out;
  append(out, *m);
  return out;
}

std::string status() {
  igtl::StatusMessage::Pointer m = igtl::StatusMessage::New();
  m->SetCode(igtl::StatusMessage::STATUS_OK);
  m->SetStatusString("running");
  m->SetDeviceName("Server");
  std::string out;
  append(out, *m);
  return out;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string dir = argv[1];
  std::ofstream(dir + "/image8.bin", std::ios::binary) << image(igtl::ImageMessage::TYPE_UINT8, 16, 12) + transform();
  std::ofstream(dir + "/image16.bin", std::ios::binary) << image(igtl::ImageMessage::TYPE_UINT16, 8, 6);
  std::ofstream(dir + "/mixed.bin", std::ios::binary) << status() + image(igtl::ImageMessage::TYPE_UINT8, 4, 4) + transform();
  return 0;
}

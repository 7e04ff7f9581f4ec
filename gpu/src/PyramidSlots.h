#pragma once
// Which of a matcher's two pyramids holds which frame. A frame is often matched again:
// the keyframe against the next few frames, a pair forward and then back, and in a
// stream this pair's first frame is the last pair's second. Its pyramid is then kept,
// not built (and, on the GPU, not uploaded) again.
#include <cstddef>
#include <vector>

namespace ft::gpu {

// A frame as its pyramid's source: its pixels' bytes (any sample type; `format` tells
// types apart) and the pyramid's size.
struct PyramidSource {
  const void* data = nullptr;
  std::size_t bytes = 0;
  int format = 0;  // kFloatSamples, or the frame's bytes per sample
  int width = 0, height = 0, levels = 0;
};
constexpr int kFloatSamples = 4;  // a float image (the host matchers' input)

inline PyramidSource float_source(const std::vector<float>& image, int width, int height, int levels) {
  return {image.data(), image.size() * sizeof(float), kFloatSamples, width, height, levels};
}

class PyramidSlots {
 public:
  struct Assignment {
    int previous = 0;  // slot of the pair's first frame
    int next = 1;      // slot of its second
    bool build_previous = true;
    bool build_next = true;
  };

  // The slots for this pair; the caller builds the pyramids marked `build_*` into them, and
  // calls forget() if this or a build throws (the slots are marked before they are built).
  Assignment assign(const PyramidSource& previous, const PyramidSource& next);
  // After a failed build: nothing is known to be in either slot.
  void forget();

 private:
  struct Held {
    std::vector<unsigned char> bytes;
    int format = 0, width = 0, height = 0, levels = 0;
    bool valid = false;
  };
  int find(const PyramidSource& source) const;
  void hold(int slot, const PyramidSource& source);

  Held held_[2];
};

}  // namespace ft::gpu

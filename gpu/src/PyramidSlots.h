#pragma once
// Which of a matcher's two pyramids holds which frame. A frame is often matched again:
// the keyframe against the next few frames, a pair forward and then back, and in a
// stream this pair's first frame is the last pair's second. Its pyramid is then kept,
// not built (and, on the GPU, not uploaded) again.
#include <vector>

namespace ft::gpu {

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
  Assignment assign(const std::vector<float>& previous, const std::vector<float>& next, int width, int height, int levels);
  // After a failed build: nothing is known to be in either slot.
  void forget();

 private:
  struct Held {
    std::vector<float> pixels;
    int width = 0, height = 0, levels = 0;
    bool valid = false;
  };
  int find(const std::vector<float>& image, int width, int height, int levels) const;
  void hold(int slot, const std::vector<float>& image, int width, int height, int levels);

  Held held_[2];
};

}  // namespace ft::gpu

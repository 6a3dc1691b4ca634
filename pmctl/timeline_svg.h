// The drawing half of `pmctl timeline`: a TimelineLayout (timeline_layout.h)
// as one self-contained SVG document -- inline styles, <title> tooltips, no
// script. Pure: returns the text.
//
// Picture: a time axis on top (wall-clock tick labels and seconds since the
// window's start), then per node a header and its rows; the postmaster's row
// carries its state bands; each lane is a line from fork to end with a
// glyph for how it ended; marks sit on their lane, signals are vertical
// arrows from the postmaster's row down to the child's; a dashed line
// crosses the node at each shutdown checkpoint. A legend closes it.
#pragma once

#include <string>

#include "pmctl/timeline_layout.h"

namespace pmemu::pmctl {

struct SvgOptions {
  int width = 1600;  // pixels; the plot is what the labels on the left and the end labels leave
};

[[nodiscard]] std::string timeline_svg(const TimelineLayout& layout, const SvgOptions& opts);

}  // namespace pmemu::pmctl

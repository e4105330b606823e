#include "data/families.h"

#include <fmt/format.h>

#include "core/error.h"
#include "data/families/common.h"

namespace cad::data {

const std::vector<Family>& families() {
  static const std::vector<Family> all{
      fam::plate_holes_family(),   fam::slotted_plate_family(), fam::counterbored_plate_family(),
      fam::l_bracket_family(),     fam::rib_bracket_family(),   fam::flange_family(),
      fam::stepped_shaft_family(), fam::bushing_family(),       fam::hex_spacer_family(),
      fam::pocket_block_family(),  fam::channel_family(),       fam::tslot_block_family(),
      fam::wedge_family(),         fam::enclosure_family(),     fam::pillow_block_family(),
      fam::pulley_family(),        fam::shaft_collar_family(),
  };
  return all;
}

const Family& family(const std::string& name) {
  std::vector<std::string> names;
  for (const Family& f : families()) {
    if (f.name == name) return f;
    names.push_back(f.name);
  }
  throw UsageError(fmt::format("unknown family '{}' (known: {})", name, fmt::join(names, ", ")));
}

}  // namespace cad::data

// Per-run state: the session breaks the Sketch <-> Workplane cycles so workers do not leak.
#include <catch2/catch.hpp>

#include "cq/cadquery.h"
#include "cq/sketch.h"

using namespace cad;

TEST_CASE("releasing the session frees sketches and their workplanes", "[cq]") {
  std::weak_ptr<cq::Sketch> weak;
  {
    auto session = std::make_shared<cq::Session>();
    script::Interpreter in;
    cq::install(in, session);
    in.run_source(
        "import cadquery as cq\ns = cq.Workplane('XY').sketch().rect(1, 2)\nr = "
        "s.finalize().extrude(1)\n");
    auto s = in.global("s");
    REQUIRE(s);
    weak = s->as<cq::Sketch>();
    REQUIRE(weak.lock());
    session->release();
  }
  CHECK(weak.expired());
}

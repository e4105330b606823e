// cad-report's library: experiment files, figures from summaries, the gallery's rule, failure
// groups, escaping, gnuplot scripts and the rows that are missing.
#include <catch2/catch.hpp>

#include "report/figures.h"
#include "report/report.h"

TEST_CASE("base64 and escaping", "[report]") {
  CHECK(cad::report::base64("") == "");
  CHECK(cad::report::base64("f") == "Zg==");
  CHECK(cad::report::base64("foobar") == "Zm9vYmFy");
  CHECK(cad::report::html_escape("<a & 'b'>") == "&lt;a &amp; &#39;b&#39;&gt;");
}

// The published rewards on hand-made eval records and on executed code, and the sandboxed pool
// under hostile completions.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "rl/reward.h"

using namespace cad::rl;
using nlohmann::json;

namespace {
const std::string kBox = "import cadquery as cq\nr = cq.Workplane('XY').rect(2, 3).extrude(1)\n";
const std::string kGoodText = "<think>a 2 x 3 plate, 1 thick</think><code>" + kBox + "</code>";

RewardTask task(const std::string& code, const std::string& text, const std::string& gt_code) {
  RewardTask t;
  t.code = code;
  t.text = text;
  t.gt = {{"id", "gt"}, {"code", gt_code}};
  t.id = "p";
  return t;
}
}  // namespace

TEST_CASE("cadrille's reward: 10 IoU, -10 for invalid code", "[rl]") {
  RewardConfig c;  // cadrille
  CHECK(compute_reward(c, "", {{"status", "ok"}, {"iou", 0.5}}).reward == Approx(5.0));
  CHECK(compute_reward(c, "", {{"status", "ok"}, {"iou", 1.0}}).reward == Approx(10.0));
  const Reward bad = compute_reward(c, "", {{"status", "exec_failed"}, {"iou", nullptr}});
  CHECK(bad.reward == -10.0);
  CHECK_FALSE(bad.executed);
  // No IoU could be computed: invalid too.
  CHECK(compute_reward(c, "", {{"status", "ok"}, {"iou", nullptr}}).reward == -10.0);
  CHECK(compute_reward(c, "", {{"status", "timeout"}}).reward == -10.0);
}

TEST_CASE("CME-CAD's gated reward", "[rl]") {
  RewardConfig c;
  c.kind = "cmecad";
  c.iou_weight = 1.0;
  c.plane_weight = 0.5;
  const json ok = {{"status", "ok"}, {"iou", 0.8}, {"plane", 0.9}};
  const Reward r = compute_reward(c, kGoodText, ok);
  CHECK(r.reward == Approx(0.8 + 0.5 * 0.9));
  CHECK(r.components["format"] == 1.0);
  CHECK(r.components["exec"] == 1.0);
  // Missing <think>: format 0, so nothing.
  const Reward no_think = compute_reward(c, "<code>" + kBox + "</code>", ok);
  CHECK(no_think.reward == 0.0);
  CHECK(no_think.components["format"] == 0.0);
  // Empty reasoning, or reasoning after the code, fails the gate too.
  CHECK(cmecad_format_gate("<think> </think><code>x</code>") == 0.0);
  CHECK(cmecad_format_gate("<code>x</code><think>why</think>") == 0.0);
  CHECK(cmecad_format_gate(kGoodText) == 1.0);
  // Invalid code: 0 whatever the format.
  CHECK(compute_reward(c, kGoodText, {{"status", "exec_failed"}}).reward == 0.0);
  // The dimension agreement term (ours): weighted in when asked for, gated like the rest.
  CHECK(reward_metrics(c) == std::vector<std::string>{"iou", "plane"});
  c.dims_weight = 0.25;
  CHECK(reward_metrics(c) == std::vector<std::string>{"iou", "plane", "dims"});
  const json with_dims = {{"status", "ok"}, {"iou", 0.8}, {"plane", 0.9}, {"dims", 0.6}};
  const Reward d = compute_reward(c, kGoodText, with_dims);
  CHECK(d.reward == Approx(0.8 + 0.5 * 0.9 + 0.25 * 0.6));
  CHECK(d.components["dims"] == 0.6);
  CHECK(compute_reward(c, "<code>" + kBox + "</code>", with_dims).reward == 0.0);
  CHECK(compute_reward(c, kGoodText, {{"status", "exec_failed"}}).components["dims"].is_null());
  c.dims_weight = -1;
  CHECK_THROWS_AS(check_reward_config(c), cad::UsageError);
}

TEST_CASE("ReCAD's reward: 0.1 min(IoU_best, phi(sim)) + 0.9 format", "[rl]") {
  RewardConfig c;
  c.kind = "recad";
  CHECK(recad_phi(0.55, 0.55) == 0.0);
  CHECK(recad_phi(1.0, 0.55) == Approx(1.0));
  CHECK(recad_phi(0.775, 0.55) == Approx(0.5));
  CHECK(recad_phi(0.2, 0.55) == 0.0);
  const json ok = {{"status", "ok"}, {"iou_best", 0.9}, {"render_sim", 0.775}};
  CHECK(compute_reward(c, kGoodText, ok).reward == Approx(0.1 * 0.5 + 0.9));
  const json close = {{"status", "ok"}, {"iou_best", 0.3}, {"render_sim", 1.0}};
  CHECK(compute_reward(c, kGoodText, close).reward == Approx(0.1 * 0.3 + 0.9));
  // Missing <think>: format 0; invalid code: no geometric credit.
  CHECK(compute_reward(c, "<code>" + kBox + "</code>", ok).reward == Approx(0.05));
  CHECK(compute_reward(c, kGoodText, {{"status", "exec_failed"}}).reward == Approx(0.9));
  CHECK(recad_format("<think>plan</think>") == 0.0);  // no code after the reasoning
}

TEST_CASE("rewards of executed code: a wrong workplane frame lowers R_plane", "[rl]") {
  RewardConfig c;
  c.kind = "cmecad";
  RewardPool pool(c, 0);
  const std::string xz = "import cadquery as cq\nr = cq.Workplane('XZ').rect(2, 3).extrude(1)\n";
  std::vector<json> records;
  const auto rewards = pool.score(
      {task(kBox, kGoodText, kBox), task(xz, "<think>a plate</think><code>" + xz + "</code>", kBox),
       task("r = 1 +", kGoodText, kBox)},
      &records);
  REQUIRE(rewards.size() == 3);
  CHECK(rewards[0].components["plane"] == Approx(1.0));
  CHECK(rewards[0].components["iou"] == Approx(1.0));
  CHECK(rewards[0].reward == Approx(1.0 + 0.5));
  CHECK(rewards[1].executed);
  CHECK(rewards[1].components["plane"].get<double>() < 1.0);
  CHECK(rewards[1].reward < rewards[0].reward);
  // Invalid code is gated to 0 (and -10 for cadrille).
  CHECK_FALSE(rewards[2].executed);
  CHECK(rewards[2].reward == 0.0);
  CHECK(records[2]["status"] == "exec_failed");
  RewardPool cadrille(RewardConfig{}, 0);
  CHECK(cadrille.score({task("r = 1 +", "", kBox)})[0].reward == -10.0);
}

TEST_CASE("render similarity: 1 for the same part, lower for another", "[rl]") {
  RewardConfig c;
  c.kind = "recad";
  RewardPool pool(c, 0);
  const std::string cyl = "import cadquery as cq\nr = cq.Workplane('XY').circle(1).extrude(3)\n";
  std::vector<json> records;
  pool.score({task(kBox, kGoodText, kBox), task(cyl, kGoodText, kBox)}, &records);
  CHECK(records[0]["render_sim"] == Approx(1.0));
  CHECK(records[0]["iou_best"].get<double>() > 0.99);
  CHECK(records[1]["render_sim"].get<double>() < 0.9);
}

TEST_CASE("a hostile completion costs only its own reward", "[rl]") {
  RewardConfig c;  // cadrille
  c.timeout_s = 1.0;
  c.memory_mib = 512;
  RewardPool pool(c, 2);
  const std::string spin = "i = 0\nwhile True:\n    i += 1\n";
  const std::string bomb = "x = []\nfor i in range(100000):\n    x.append([0.5] * 100000)\n";
  std::vector<json> records;
  const auto rewards = pool.score(
      {task(kBox, "", kBox), task(spin, "", kBox), task(bomb, "", kBox), task(kBox, "", kBox)},
      &records);
  CHECK(rewards[0].reward == Approx(10.0));
  CHECK(rewards[1].reward == -10.0);
  CHECK(rewards[2].reward == -10.0);
  CHECK(rewards[3].reward == Approx(10.0));
  INFO(records[1].dump() << "\n" << records[2].dump());
  CHECK(records[1]["status"] == "exec_failed");
  CHECK(records[2]["status"] == "exec_failed");
}

TEST_CASE("a reward worker that crashes costs only its sample", "[rl]") {
  RewardConfig c;
  c.timeout_s = 20.0;
  RewardPool pool(c, 1);
  const std::string spin = "i = 0\nwhile True:\n    i += 1\n";
  // Kill the worker with SIGSEGV while it runs the spinning script, as a crash in OCCT would.
  std::thread killer([] {
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::ifstream children("/proc/" + std::to_string(getpid()) + "/task/" +
                             std::to_string(getpid()) + "/children");
      pid_t child = 0;
      if (children >> child && attempt >= 5) {
        kill(child, SIGSEGV);
        return;
      }
    }
  });
  std::vector<json> records;
  const auto rewards = pool.score({task(spin, "", kBox), task(kBox, "", kBox)}, &records);
  killer.join();
  CHECK(records[0]["status"] == "crash");
  CHECK(rewards[0].reward == -10.0);
  CHECK(rewards[1].reward == Approx(10.0));
  CHECK(pool.restarts() == 1);
}

TEST_CASE("bad reward settings are usage errors", "[rl]") {
  RewardConfig c;
  c.kind = "dino";
  CHECK_THROWS_AS(check_reward_config(c), cad::UsageError);
  c.kind = "recad";
  c.sim_threshold = 1.0;
  CHECK_THROWS_AS(check_reward_config(c), cad::UsageError);
}

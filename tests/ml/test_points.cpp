// The points input: the point encoder (order, shapes, config), SFT examples and batches with
// point clouds (cadrille's noise), and a model that learns to read clouds and generates from a
// folder of scans.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <BRepPrimAPI_MakeBox.hxx>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "geom/mesh.h"
#include "geom/shape_io.h"
#include "ml/generate_run.h"
#include "ml/sft.h"
#include "ml/sft_data.h"
#include "ml_test_util.h"

namespace fs = std::filesystem;
using namespace cad::ml;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("cadrl_test_points_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

ModelConfig points_config(const std::string& encoder) {
  ModelConfig config = cad::ml::test::test_config(64, false);
  config.points = true;
  config.point_count = 32;
  config.point_encoder = encoder;
  config.point_frequencies = 4;
  config.point_d_model = 32;
  config.point_layers = 1;
  config.point_heads = 2;
  return config;
}

// Box records: the code, and the box's mesh as assets/<id>.stl (the field cad-dataset-build
// writes); sizes differ per record.
std::vector<nlohmann::json> write_boxes(const fs::path& dir, int count) {
  std::vector<nlohmann::json> records;
  fs::create_directories(dir / "assets");
  std::ofstream out(dir / "train.jsonl");
  for (int i = 0; i < count; ++i) {
    const int w = 20 + 30 * i, h = 50 - 10 * i;
    const std::string id = "box-" + std::to_string(i);
    const std::string code = "result = cq.Workplane(\"XY\").box(" + std::to_string(w) + ", 20, " +
                             std::to_string(h) + ")";
    const TopoDS_Shape box =
        BRepPrimAPI_MakeBox(gp_Pnt(-w / 2.0, -10, -h / 2.0), gp_Pnt(w / 2.0, 10, h / 2.0)).Shape();
    cad::geom::write_mesh(cad::geom::tessellate(box), (dir / "assets" / (id + ".stl")).string());
    cad::geom::write_shape(box, (dir / "assets" / (id + ".step")).string());
    nlohmann::json record = {{"id", id},
                             {"code", code},
                             {"mesh", "assets/" + id + ".stl"},
                             {"text", {{"abstract", "A box."}, {"detailed", "A box."}}}};
    out << record.dump() << "\n";
    records.push_back(record);
  }
  return records;
}

}  // namespace

TEST_CASE("the point encoder is permutation-equivariant and prefixes the sequence",
          "[ml][points]") {
  for (const std::string encoder : {"fourier", "attention"}) {
    INFO(encoder);
    Transformer model = cad::ml::test::make_model(points_config(encoder), 4);
    torch::NoGradGuard no_grad;
    torch::manual_seed(2);
    const at::Tensor points = torch::rand({2, 32, 3}) * 2 - 1;
    const at::Tensor perm = torch::randperm(32, torch::kLong);
    const at::Tensor out = model->points(points);
    REQUIRE(out.sizes() == at::IntArrayRef({2, 32, 64}));
    const at::Tensor permuted = model->points(points.index_select(1, perm));
    CHECK(at::allclose(permuted, out.index_select(1, perm), 1e-5, 1e-6));
    // The encoder sees coordinates: moving one point changes its embedding.
    at::Tensor moved = points.clone();
    moved[0][3][0] += 0.1;
    CHECK_FALSE(at::allclose(model->points(moved)[0][3], out[0][3]));
    // As a prefix: logits for the tokens only; the cloud changes them.
    const at::Tensor tokens = cad::ml::test::random_tokens(2, 5, 64, 3);
    const at::Tensor logits = model->forward(tokens, points);
    CHECK(logits.sizes() == at::IntArrayRef({2, 5, 64}));
    CHECK_FALSE(at::allclose(logits, model->forward(tokens, moved)));
    CHECK(prefix_length(model->config(), points) == 32);
    // A model without the point encoder refuses clouds.
    Transformer plain = cad::ml::test::make_model(cad::ml::test::test_config(64, false));
    CHECK_THROWS(plain->forward(tokens, points));
  }
}

TEST_CASE("point settings load from YAML, round-trip and are validated", "[ml][points]") {
  const ModelConfig config = model_config_from_yaml(
      "vision: false\npoints: true\npoint_count: 128\npoint_encoder: attention\n"
      "point_frame: fixed\npoint_scale: 50\n");
  CHECK(config.point_tokens() == 128);
  CHECK(config.point_encoder == "attention");
  const ModelConfig again = model_config_from_yaml(to_yaml(config));
  CHECK(again.points);
  CHECK(again.point_frame == "fixed");
  CHECK(again.point_scale == 50.0);
  CHECK_THROWS_AS(model_config_from_yaml("points: true\npoint_encoder: pointnet\n"),
                  cad::UsageError);
  CHECK_THROWS_AS(model_config_from_yaml("points: true\npoint_frame: unit-cube\n"),
                  cad::UsageError);
  CHECK_THROWS_AS(model_config_from_yaml("points: true\npoint_count: 5000\ncontext: 1024\n"),
                  cad::UsageError);
  CHECK(model_config_from_yaml("points: false\n").point_tokens() == 0);
}

TEST_CASE("points examples carry the cloud; batches keep one prefix kind; noise at its rate",
          "[ml][points]") {
  const fs::path dir = fresh_dir("examples");
  const auto records = write_boxes(dir, 3);
  Tokenizer tokenizer;
  tokenizer.train(tokenizer_corpus(records), 300);
  SftDataOptions options;
  options.tasks = {{"points", 1.0}, {"text", 1.0}};
  options.experts = {"views"};
  options.cot = false;
  options.point_count = 64;
  options.point_frame = "fixed";
  options.point_scale = 100;
  const SftDataset data(dir.string(), "train", tokenizer, options);
  int with_points = 0;
  for (const auto& e : data.examples()) {
    if (e.task != "points") {
      CHECK(e.points == nullptr);
      continue;
    }
    ++with_points;
    REQUIRE(e.points != nullptr);
    CHECK(e.points->count == 64);
    CHECK(tokenizer.decode(e.tokens).rfind("<bos><task:points><points><expert:views>", 0) == 0);
    // Fixed frame: box-1 is 50 x 20 x 40 mm, so x spans [-0.25, 0.25].
    if (data.ids()[e.sample] == "box-1") {
      float lo = 1, hi = -1;
      for (std::int64_t i = 0; i < 64; ++i)
        lo = std::min(lo, e.points->xyz[i * 3]), hi = std::max(hi, e.points->xyz[i * 3]);
      CHECK(lo == Approx(-0.25).margin(1e-4));
      CHECK(hi == Approx(0.25).margin(1e-4));
    }
  }
  CHECK(with_points == 3);
  for (std::uint64_t epoch = 0; epoch < 4; ++epoch)
    for (const auto& batch : data.epoch_batches(1, epoch, 2)) {
      const int kind = data.examples()[batch[0]].prefix_kind();
      for (std::size_t i : batch) CHECK(data.examples()[i].prefix_kind() == kind);
    }

  // make_sft_batch: [B, N, 3]; noise on about half the clouds, reproducible by seed.
  std::size_t first_points = 0;
  while (data.examples()[first_points].task != "points") ++first_points;
  const std::vector<std::size_t> one = {first_points};
  const SftBatch clean = make_sft_batch(data.examples(), one, tokenizer.pad_id());
  REQUIRE(clean.images.sizes() == at::IntArrayRef({1, 64, 3}));
  int noisy = 0;
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    const SftBatch b = make_sft_batch(data.examples(), one, tokenizer.pad_id(), 0.01, 0.5, seed);
    const double offset = (b.images - clean.images).abs().max().item<double>();
    if (offset > 0) {
      ++noisy;
      CHECK(offset < 0.06);
    }
    if (seed == 7)
      CHECK(at::equal(
          b.images, make_sft_batch(data.examples(), one, tokenizer.pad_id(), 0.01, 0.5, 7).images));
  }
  CHECK(noisy / 400.0 == Approx(0.5).margin(0.08));

  // A tokenizer without the <points> token cannot serve the task.
  // (as saved before the points task existed: the same file without its last two specials).
  Tokenizer().save((dir / "old.json").string());
  nlohmann::json old_file;
  std::ifstream(dir / "old.json") >> old_file;
  auto specials = old_file["special_tokens"].get<std::vector<std::string>>();
  REQUIRE(specials.back() == "<points>");
  specials.resize(specials.size() - 2);
  old_file["special_tokens"] = specials;
  std::ofstream(dir / "old.json") << old_file.dump();
  const Tokenizer old_tokenizer = Tokenizer::load((dir / "old.json").string());
  CHECK_THROWS_AS(SftDataset(dir.string(), "train", old_tokenizer, options), cad::UsageError);
  fs::remove_all(dir);
}

TEST_CASE("SFT on point clouds learns to read the shape; cad-generate reads a folder of scans",
          "[ml][points]") {
  cad::ml::test::single_thread();
  const fs::path dir = fresh_dir("learn");
  const auto records = write_boxes(dir, 2);
  ModelConfig model = points_config("fourier");
  model.vocab_size = 0;
  model.d_model = 32;
  model.n_heads = 2;
  model.n_kv_heads = 1;
  model.n_layers = 1;
  model.point_frame = "fixed";
  std::ofstream(dir / "model.yaml") << to_yaml(model);
  SftConfig config;
  config.model_config = (dir / "model.yaml").string();
  config.data_dir = dir.string();
  config.vocab_size = 300;
  config.data.tasks = {{"points", 1.0}};
  config.data.experts = {"views"};
  config.data.cot = false;
  config.data.point_noise = 0.01;
  config.data.point_noise_probability = 0.5;
  config.steps = 150;
  config.batch_size = 2;
  config.lr = 1e-2;
  config.warmup = 5;
  config.eval_every = 0;
  config.checkpoint_every = 0;
  config.seed = 3;
  config.progress = false;
  config.out_dir = (dir / "run").string();
  const SftResult result = train_sft(config);
  INFO("final loss " << result.loss);
  CHECK(result.loss < 0.05);

  // From the dataset records, and from a folder of scans (an STL and a STEP, no code).
  fs::create_directories(dir / "scans");
  fs::copy_file(dir / "assets" / "box-0.stl", dir / "scans" / "part-a.stl");
  fs::copy_file(dir / "assets" / "box-1.step", dir / "scans" / "part-b.step");
  std::ofstream(dir / "scans" / "notes.txt") << "not a scan\n";
  for (const std::string input : {"train.jsonl", "scans"}) {
    INFO(input);
    GenerateConfig generate;
    generate.model_dir = (dir / "run" / "final").string();
    generate.input = (dir / input).string();
    generate.output = (dir / "gen.jsonl").string();
    generate.task = "points";
    generate.max_new_tokens = 60;
    generate.progress = false;
    CHECK(run_generate(generate) == 0);
    std::ifstream in(dir / "gen.jsonl");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      const auto r = nlohmann::json::parse(line);
      REQUIRE(n < 2);
      CHECK(r["id"] == (input == "scans" ? (n == 0 ? "part-a" : "part-b") : records[n]["id"]));
      CHECK(r["status"] == "ok");
      CHECK(r["code"] == records[n]["code"]);
      ++n;
    }
    CHECK(n == 2);
  }
  // A folder of scans needs --task points; an empty folder is a usage error.
  GenerateConfig wrong;
  wrong.model_dir = (dir / "run" / "final").string();
  wrong.input = (dir / "scans").string();
  wrong.output = (dir / "gen.jsonl").string();
  CHECK_THROWS_AS(run_generate(wrong), cad::UsageError);
  fs::create_directories(dir / "empty");
  CHECK_THROWS_AS(shape_inputs((dir / "empty").string()), cad::UsageError);
  fs::remove_all(dir);
}

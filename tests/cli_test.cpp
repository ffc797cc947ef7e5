// The executables' command-line contracts, run as a user runs them.
#include "config/config_schema.h"
#include "core/atomic_file.h"
#include "core/json_file.h"
#include "io/embeddings_h5.h"
#include "io/h5_file.h"
#include "io/run_h5.h"
#include "io/torch_safetensors.h"
#include "test_support.h"

#include <fmt/format.h>

namespace lacos {
namespace {

namespace fs = std::filesystem;

TEST(Cli, TokenizeEncodesAndDecodesJsonLines) {
  test::TempDir dir;
  const Json cases = read_json_file(test::fixture("tiny-bloom-a/tokenizer_cases.json"));
  std::string input, expected;
  for (const Json& item : cases) {
    input += item["text"].dump() + "\n";
    expected += item["ids"].dump() + "\n";
  }
  test::write_bytes(dir / "in.jsonl", input);
  test::write_bytes(dir / "ids.jsonl", expected);
  const std::string tokenizer = test::quoted(test::fixture("tiny-bloom-b/tokenizer.json"));
  const auto encoded = test::run_command(fmt::format(
      "{} --tokenizer {} < {}", test::quoted(test::bin("lacos-tokenize")), tokenizer, test::quoted(dir / "in.jsonl")));
  ASSERT_EQ(encoded.exit_code, 0) << encoded.output;
  EXPECT_EQ(encoded.output, expected);
  const auto decoded =
      test::run_command(fmt::format("{} --tokenizer {} --decode < {}", test::quoted(test::bin("lacos-tokenize")),
                                    tokenizer, test::quoted(dir / "ids.jsonl")));
  ASSERT_EQ(decoded.exit_code, 0) << decoded.output;
  std::string round_trip;
  for (const Json& item : cases) round_trip += item["text"].dump() + "\n";
  EXPECT_EQ(decoded.output, round_trip);
}

TEST(Cli, TokenizeRejectsBadLinesWithTheLineNumber) {
  test::TempDir dir;
  test::write_bytes(dir / "in.jsonl", "\"fine\"\n[1, 2]\n");
  const auto result = test::run_command(fmt::format("{} --tokenizer {} < {}", test::quoted(test::bin("lacos-tokenize")),
                                                    test::quoted(test::fixture("tiny-bloom-a/tokenizer.json")),
                                                    test::quoted(dir / "in.jsonl")));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("lacos-tokenize: error: stdin line 2: expected a JSON string, got array"),
            std::string::npos)
      << result.output;
}

TEST(Cli, EmbedWritesReferenceEmbeddingsInInputOrder) {
  test::TempDir dir;
  const Json reference = read_json_file(test::fixture("tiny-bloom-b/reference.json"));
  std::string lines;
  for (const Json& sentence : reference["sentences"]) lines += sentence.get<std::string>() + "\n";
  test::write_bytes(dir / "sentences.txt", lines);
  const auto result = test::run_command(fmt::format(
      "{} --model {} --input {} --output {} --batch-size 4", test::quoted(test::bin("lacos-embed")),
      test::quoted(test::fixture("tiny-bloom-b")), test::quoted(dir / "sentences.txt"), test::quoted(dir / "out.h5")));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const torch::Tensor embeddings = read_embeddings_h5(dir / "out.h5");
  const torch::Tensor expected =
      load_safetensors(test::fixture("tiny-bloom-b/reference.safetensors")).at("right.mean_pooled");
  ASSERT_EQ(embeddings.sizes(), expected.sizes());
  EXPECT_LT((embeddings - expected).abs().max().item<double>(), 1e-4);
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_FALSE(is_temp_file_name(entry.path().filename().string())) << entry.path();  // no temporary left
  }
}

TEST(Cli, EmbedAppliesAPeftAdapterAndInt8Base) {
  test::TempDir dir;
  const Json reference = read_json_file(test::fixture("tiny-bloom-a/reference.json"));
  std::string lines;
  for (const Json& pair : reference["pairs"]) lines += pair[0].get<std::string>() + "\n";
  test::write_bytes(dir / "anchors.txt", lines);
  const std::string base = fmt::format("{} --model {} --input {}", test::quoted(test::bin("lacos-embed")),
                                       test::quoted(test::fixture("tiny-bloom-a")), test::quoted(dir / "anchors.txt"));
  const auto adapted = test::run_command(fmt::format("{} --output {} --adapter {}", base, test::quoted(dir / "lora.h5"),
                                                     test::quoted(test::fixture("tiny-bloom-a/adapter"))));
  ASSERT_EQ(adapted.exit_code, 0) << adapted.output;
  const torch::Tensor expected =
      load_safetensors(test::fixture("tiny-bloom-a/reference_lora.safetensors")).at("anchor.embedding");
  EXPECT_LT((read_embeddings_h5(dir / "lora.h5") - expected).abs().max().item<double>(), 1e-4);

  const auto int8 = test::run_command(fmt::format("{} --output {} --adapter {} --base-weights int8", base,
                                                  test::quoted(dir / "int8.h5"),
                                                  test::quoted(test::fixture("tiny-bloom-a/adapter"))));
  ASSERT_EQ(int8.exit_code, 0) << int8.output;
  EXPECT_GT(torch::cosine_similarity(read_embeddings_h5(dir / "int8.h5"), expected, 1).min().item<double>(), 0.99);

  const auto wrong = test::run_command(fmt::format("{} --output {} --adapter {}", base, test::quoted(dir / "x.h5"),
                                                   test::quoted(test::fixture("tiny-bloom-b/adapter"))));
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.output.find("adapter made for another base model?"), std::string::npos) << wrong.output;
}

TEST(Cli, EmbedShowsProgressOnLongInputs) {
  test::TempDir dir;
  std::string lines;
  for (int i = 0; i < 600; ++i) lines += "Sentence number " + std::to_string(i) + ".\n";
  test::write_bytes(dir / "many.txt", lines);
  const auto result = test::run_command(fmt::format(
      "{} --model {} --input {} --output {} --batch-size 128", test::quoted(test::bin("lacos-embed")),
      test::quoted(test::fixture("tiny-bloom-a")), test::quoted(dir / "many.txt"), test::quoted(dir / "many.h5")));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("lacos-embed ["), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("600/600 sent"), std::string::npos) << result.output;
  EXPECT_EQ(read_embeddings_h5(dir / "many.h5").size(0), 600);
}

TEST(Cli, EmbedErrorsAreOneLine) {
  test::TempDir dir;
  test::write_bytes(dir / "bad.txt", "fine\nnot \xff utf8\n");
  const auto bad_text = test::run_command(fmt::format(
      "{} --model {} --input {} --output {}", test::quoted(test::bin("lacos-embed")),
      test::quoted(test::fixture("tiny-bloom-a")), test::quoted(dir / "bad.txt"), test::quoted(dir / "out.h5")));
  EXPECT_EQ(bad_text.exit_code, 1);
  EXPECT_NE(bad_text.output.find("bad.txt:2: not valid UTF-8"), std::string::npos) << bad_text.output;
  EXPECT_FALSE(fs::exists(dir / "out.h5"));

  test::write_bytes(dir / "ok.txt", "a sentence\n");
  const auto no_model = test::run_command(
      fmt::format("{} --model {} --input {} --output {}", test::quoted(test::bin("lacos-embed")),
                  test::quoted(dir / "no-model"), test::quoted(dir / "ok.txt"), test::quoted(dir / "out.h5")));
  EXPECT_EQ(no_model.exit_code, 1);
  EXPECT_NE(no_model.output.find("no-model: model folder not found"), std::string::npos) << no_model.output;

  const auto bad_pooling = test::run_command(fmt::format(
      "{} --model {} --input {} --output {} --pooling cls", test::quoted(test::bin("lacos-embed")),
      test::quoted(test::fixture("tiny-bloom-a")), test::quoted(dir / "ok.txt"), test::quoted(dir / "out.h5")));
  EXPECT_EQ(bad_pooling.exit_code, 1);
  EXPECT_NE(bad_pooling.output.find("unknown pooling 'cls'"), std::string::npos) << bad_pooling.output;
}

TEST(Cli, TrainThenEvalWithTheAdapter) {
  test::TempDir dir;
  std::string pairs;
  for (int i = 0; i < 12; ++i) pairs += fmt::format("Sentence {} about cats.\tA text on cats, number {}.\n", i, i);
  test::write_bytes(dir / "pairs.tsv", pairs);
  test::write_bytes(dir / "sts.tsv",
                    "A cat sleeps.\tA cat is sleeping.\t4.5\nA dog barks.\tThe market fell.\t0.5\n"
                    "Two men talk.\tTwo people chat.\t4.0\nIt rains.\tA man cooks.\t0.2\n");
  const auto trained = test::run_command(fmt::format(
      "{} --model {} --train {} --eval {} --output {} --steps 3 --batch-size 4 --lr 1e-3 --warmup 1 --lora-r 2 "
      "--optimizer adamw8bit --min-8bit-size 0 --quiet train.log_every=1",
      test::quoted(test::bin("lacos-train")), test::quoted(test::fixture("tiny-bloom-a")),
      test::quoted(dir / "pairs.tsv"), test::quoted(dir / "sts.tsv"), test::quoted(dir / "run")));
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  // lacos-train is one lacos-exp run: its folder is a run folder, with lacos-exp's defaults.
  const RunRecord record = read_run_h5(dir / "run" / "run.h5");
  EXPECT_EQ(record.status(), RunStatus::completed);
  EXPECT_EQ(record.train.step, (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(std::get<std::string>(record.summary.at("optimizer")), "adamw8bit");
  EXPECT_EQ(std::get<std::string>(record.summary.at("base_weights"))
                .rfind(find_schema_entry("model.base_weights")->default_yaml, 0),
            0u);
  EXPECT_DOUBLE_EQ(std::get<double>(record.summary.at("optimizer_fraction_8bit")), 1.0);
  const std::string config = read_h5_string(dir / "run" / "run.h5", "/config");
  EXPECT_NE(config.find("lr: 1e-3"), std::string::npos) << config;  // --lr 1e-3 -> optim.lr
  ASSERT_EQ(record.eval.size(), 1u);
  const double trained_spearman = record.eval[0].second.spearman.back();
  const auto evaluated =
      test::run_command(fmt::format("{} --model {} --adapter {} {}", test::quoted(test::bin("lacos-eval")),
                                    test::quoted(test::fixture("tiny-bloom-a")), test::quoted(dir / "run" / "adapter"),
                                    test::quoted(dir / "sts.tsv")));
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.output;
  const Json scores = Json::parse(evaluated.output);
  EXPECT_EQ(scores["sts"]["pairs"], 4);
  EXPECT_NEAR(scores["sts"]["spearman"].get<double>(), trained_spearman, 1e-6);  // the saved adapter is the trained one

  const auto bad = test::run_command(fmt::format(
      "{} --model {} --train {} --output {} --optimizer sgd", test::quoted(test::bin("lacos-train")),
      test::quoted(test::fixture("tiny-bloom-a")), test::quoted(dir / "pairs.tsv"), test::quoted(dir / "run2")));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("optim.name': 'sgd' is not one of"), std::string::npos) << bad.output;
}

TEST(Cli, EvalReportsSemEvalYearsAllAndMean) {
  test::TempDir dir;
  fs::create_directories(dir / "STS99");
  test::write_bytes(dir / "STS99" / "STS.input.a.txt", "A cat.\tA cat sits.\nA dog.\tRain.\nTwo men.\tTwo guys.\n");
  test::write_bytes(dir / "STS99" / "STS.gs.a.txt", "4.5\n0.5\n\n");
  test::write_bytes(dir / "STS99" / "STS.input.b.txt", "Sun.\tThe sun.\nCar.\tBread.\nHi.\tHello.\n");
  test::write_bytes(dir / "STS99" / "STS.gs.b.txt", "4\n0\n5\n");
  const auto result =
      test::run_command(fmt::format("{} --model {} {}", test::quoted(test::bin("lacos-eval")),
                                    test::quoted(test::fixture("tiny-bloom-a")), test::quoted(dir / "STS99")));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Json scores = Json::parse(result.output);
  EXPECT_EQ(scores["STS99.a"]["pairs"], 2);  // the empty gold line is unscored
  EXPECT_EQ(scores["STS99.all"]["pairs"], 5);
  EXPECT_NEAR(scores["STS99.mean"]["spearman"].get<double>(),
              (scores["STS99.a"]["spearman"].get<double>() + scores["STS99.b"]["spearman"].get<double>()) / 2, 1e-9);
}

}  // namespace
}  // namespace lacos

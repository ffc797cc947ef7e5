#include "config/experiment_config.h"
#include "test_support.h"

#include <cstdlib>

namespace lacos {
namespace {

class ExperimentConfigTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) {
    const auto path = dir_ / "exp.yaml";
    test::write_bytes(path, text);
    return path;
  }
  test::TempDir dir_;
};

TEST_F(ExperimentConfigTest, ReadsSettingsAndEnvironmentDefaults) {
  ::setenv("LACOS_TEST_MODELS", "/models/here", 1);
  ::unsetenv("LACOS_TEST_UNSET");
  const auto config = load_experiment(write(
      "experiment: demo\nmodels_root: ${env:LACOS_TEST_MODELS,models}\ndata_root: ${env:LACOS_TEST_UNSET,fallback}\n"
      "models: [a, b]\nencoder: {pooling: weightedmean, max_length: 32}\neval: [x.tsv]\n"));
  EXPECT_EQ(config.experiment, "demo");
  EXPECT_EQ(config.models_root, "/models/here");
  EXPECT_EQ(config.data_root, "fallback");
  EXPECT_EQ(config.models, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(config.encoder.pooling, "weightedmean");
  EXPECT_EQ(config.encoder.max_length, 32);
  EXPECT_EQ(config.encoder.batch_size, 32);  // default
  EXPECT_EQ(config.output_dir, "results/demo");
}

TEST_F(ExperimentConfigTest, UnknownKeySuggestsTheClosest) {
  EXPECT_ERROR_CONTAINS(load_experiment(write("models: [a]\neval: [x]\nencodr: {}\n")),
                        "exp.yaml:3: unknown key 'encodr'; did you mean 'encoder'?");
  EXPECT_ERROR_CONTAINS(load_experiment(write("models: [a]\neval: [x]\nencoder: {max_lenght: 3}\n")),
                        "unknown key 'encoder.max_lenght'; did you mean 'max_length'?");
}

TEST_F(ExperimentConfigTest, WrongTypesAndMissingKeys) {
  EXPECT_ERROR_CONTAINS(load_experiment(write("models: [a]\neval: [x]\nencoder:\n  batch_size: many\n")),
                        "exp.yaml:4: key 'batch_size': expected an integer, got 'many'");
  EXPECT_ERROR_CONTAINS(load_experiment(write("eval: [x]\n")), "required key 'models' is missing");
  EXPECT_ERROR_CONTAINS(load_experiment(write("models: [a]\neval: [x]\nencoder: {dtype: float64}\n")),
                        "unknown dtype 'float64'");
  EXPECT_ERROR_CONTAINS(load_experiment(write("models: [a]\neval: [x]\nmodels_root: ${env:LACOS_TEST_UNSET}\n")),
                        "environment variable LACOS_TEST_UNSET is not set");
}

TEST_F(ExperimentConfigTest, SyntaxErrorGivesLine) {
  EXPECT_ERROR_CONTAINS(load_experiment(write("models: [a\neval: x\n")), "YAML syntax error");
  EXPECT_ERROR_CONTAINS(load_experiment(dir_ / "missing.yaml"), "missing.yaml: cannot open experiment file");
}

}  // namespace
}  // namespace lacos

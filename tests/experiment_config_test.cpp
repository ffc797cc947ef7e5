// Configuration composition as lacos-exp does it: config groups, the experiment file,
// command-line overrides of every form, interpolation, sweeps, and the errors for each mistake.
#include "config/composer.h"
#include "config/config_schema.h"
#include "config/sweep_plan.h"
#include "experiment/run_settings.h"
#include "test_support.h"

#include <cstdlib>
#include <fstream>

namespace lacos {
namespace {

namespace fs = std::filesystem;

class ComposeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "conf" / "model");
    fs::create_directories(dir_ / "conf" / "optim");
    test::write_bytes(dir_ / "conf" / "model" / "small.yaml", "name: small\nshape: {hidden_size: 64, n_layer: 2}\n");
    test::write_bytes(dir_ / "conf" / "model" / "large.yaml", "name: large\nhub_id: org/large\n");
    test::write_bytes(dir_ / "conf" / "optim" / "fast.yaml", "name: adamw\nlr: 0.01\nwarmup_steps: 5\n");
    test::write_bytes(dir_ / "conf" / "common.yaml", "train: {steps: 7, batch_size: 3}\n");
  }
  fs::path write(const std::string& text) {
    test::write_bytes(dir_ / "exp.yaml", text);
    return dir_ / "exp.yaml";
  }
  ConfigNode compose(const std::string& text, const std::vector<std::string>& overrides = {}) {
    const ExperimentComposer composer(write(text));
    std::vector<ConfigOverride> parsed;
    for (const auto& o : overrides) parsed.push_back(parse_override(o));
    return composer.compose(parsed, 0).config;
  }
  std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
    try {
      compose(text, overrides);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  test::TempDir dir_;
};

const char* kBase = "defaults:\n  - model: small\n  - optim: fast\n  - common\n  - _self_\noptim:\n  lr: 0.002\n";

TEST_F(ComposeTest, DefaultsListThenFileThenOverrides) {
  const ConfigNode c = compose(kBase);
  EXPECT_EQ(config_string(c, "model.name"), "small");
  EXPECT_EQ(config_int(c, "model.shape.hidden_size"), 64);  // from the group file
  EXPECT_EQ(config_int(c, "model.shape.vocab_size"), 0);    // schema default, map merged
  EXPECT_DOUBLE_EQ(config_float(c, "optim.lr"), 0.002);     // the file beats its group
  EXPECT_EQ(config_int(c, "optim.warmup_steps"), 5);        // the group beats the schema
  EXPECT_EQ(config_int(c, "train.steps"), 7);               // a plain config name at the top
  EXPECT_EQ(config_string(c, "experiment.name"), "exp");    // the file's stem
  const ConfigNode o = compose(kBase, {"optim.lr=3e-4", "model=large", "train.steps=9"});
  EXPECT_DOUBLE_EQ(config_float(o, "optim.lr"), 3e-4);
  EXPECT_EQ(config_string(o, "model.name"), "large");
  EXPECT_EQ(config_string(o, "model.hub_id"), "org/large");
  EXPECT_EQ(config_int(o, "model.shape.hidden_size"), 0);  // small's shape is gone with it
  EXPECT_EQ(config_int(o, "train.steps"), 9);
}

TEST_F(ComposeTest, SelfFirstLetsGroupsWin) {
  const ConfigNode c = compose("defaults:\n  - _self_\n  - optim: fast\noptim:\n  lr: 0.002\nmodel: {name: m}\n");
  EXPECT_DOUBLE_EQ(config_float(c, "optim.lr"), 0.01);
  const ConfigNode without_self = compose("defaults:\n  - optim: fast\noptim:\n  lr: 0.002\nmodel: {name: m}\n");
  EXPECT_DOUBLE_EQ(config_float(without_self, "optim.lr"), 0.002);  // body last when _self_ is absent
}

TEST_F(ComposeTest, AddForceAddAndDelete) {
  const ConfigNode c = compose(kBase, {"+experiment.tags.owner=alice", "++train.batch_size=5", "~optim.lr"});
  EXPECT_EQ(find_path(c, "experiment.tags.owner")->scalar, "alice");
  EXPECT_EQ(config_int(c, "train.batch_size"), 5);
  EXPECT_DOUBLE_EQ(config_float(c, "optim.lr"), 1e-3);  // removed: back to the schema default
  EXPECT_NE(error_of(kBase, {"+optim.lr=1"}).find("key 'optim.lr' is already set"), std::string::npos);
  EXPECT_NE(error_of(kBase, {"~optim.lr=5"}).find("is '0.002', not '5'"), std::string::npos);
  const std::string typo = error_of(kBase, {"optim.lrr=1"});
  EXPECT_NE(typo.find("key 'optim.lrr' is not in the configuration; did you mean 'optim.lr'?"), std::string::npos)
      << typo;
  EXPECT_NE(typo.find("+optim.lrr=1"), std::string::npos) << typo;
  EXPECT_NE(error_of(kBase, {"optim.lr"}).find("has no '='"), std::string::npos);
  EXPECT_NE(error_of(kBase, {"a..b=1"}).find("is not an override"), std::string::npos);
}

TEST_F(ComposeTest, UnknownGroupOptionListsTheOptions) {
  const std::string error = error_of(kBase, {"model=smal"});
  EXPECT_NE(error.find("command line: model=smal: 'smal' is not an option of group 'model'"), std::string::npos)
      << error;
  EXPECT_NE(error.find("did you mean 'small'?"), std::string::npos) << error;
  EXPECT_NE(error.find("options: large, small"), std::string::npos) << error;
  const std::string in_file = error_of("defaults:\n  - model: tiny\n");
  EXPECT_NE(in_file.find("exp.yaml:2"), std::string::npos) << in_file;
}

TEST_F(ComposeTest, UnknownKeysAndWrongTypesNameFileAndLine) {
  const std::string unknown = error_of("model: {name: m}\ntrain:\n  stepz: 4\n");
  EXPECT_NE(unknown.find("exp.yaml:3: unknown key 'train.stepz'; did you mean 'train.steps'?"), std::string::npos)
      << unknown;
  const std::string wrong_int = error_of("model: {name: m}\ntrain:\n  steps: many\n");
  EXPECT_NE(wrong_int.find("exp.yaml:3: key 'train.steps': expected an integer, got 'many'"), std::string::npos)
      << wrong_int;
  const std::string negative = error_of("model: {name: m}\ntrain: {batch_size: 0}\n");
  EXPECT_NE(negative.find("key 'train.batch_size': must be at least 1, got 0"), std::string::npos) << negative;
  for (const char* value : {"nan", "-inf", "1e999"}) {
    const std::string infinite = error_of(fmt::format("model: {{name: m}}\ndist: {{timeout_s: {}}}\n", value));
    EXPECT_NE(infinite.find(fmt::format("key 'dist.timeout_s': must be a finite number, got '{}'", value)),
              std::string::npos)
        << infinite;
  }
  const std::string choice = error_of("model: {name: m}\noptim: {name: adamw9bit}\n");
  EXPECT_NE(choice.find("'adamw9bit' is not one of adamw, adam, adamw8bit, adam8bit; did you mean 'adamw8bit'?"),
            std::string::npos)
      << choice;
  const std::string list = error_of("model: {name: m}\neval: {sets: stsb.tsv}\n");
  EXPECT_NE(list.find("key 'eval.sets': expected a list of strings, got 'stsb.tsv' (write [stsb.tsv])"),
            std::string::npos)
      << list;
  const std::string boolean = error_of("model: {name: m}\ndata: {shuffle: sometimes}\n", {});
  EXPECT_NE(boolean.find("key 'data.shuffle': expected true or false"), std::string::npos) << boolean;
  const std::string from_cli = error_of("model: {name: m}\n", {"optim.lr=fast"});
  EXPECT_NE(from_cli.find("command line: optim.lr=fast: key 'optim.lr': expected a number, got 'fast'"),
            std::string::npos)
      << from_cli;
  const std::string section = error_of("model: {name: m}\nlora: 8\n");
  EXPECT_NE(section.find("key 'lora' must be a mapping"), std::string::npos) << section;
  const std::string syntax = error_of("model: {name: m\n");
  EXPECT_NE(syntax.find("exp.yaml:"), std::string::npos) << syntax;
  EXPECT_NE(syntax.find("not valid YAML"), std::string::npos) << syntax;
}

TEST_F(ComposeTest, RequiredValuesMustBeSet) {
  const std::string error = error_of("train: {steps: 1}\n");
  EXPECT_NE(error.find("key 'model.name' is required"), std::string::npos) << error;
  EXPECT_NE(error.find("model.name=..."), std::string::npos) << error;
  EXPECT_NO_THROW(compose("train: {steps: 1}\n", {"model.name=x"}));
}

TEST_F(ComposeTest, Interpolation) {
  ::setenv("LACOS_TEST_ROOT", "/env/root", 1);
  ::unsetenv("LACOS_TEST_UNSET");
  const ConfigNode c = compose(
      "model: {name: m, root: '${env:LACOS_TEST_ROOT,x}'}\n"
      "data: {root: '${env:LACOS_TEST_UNSET,/fallback}', pairs: '${eval.sets}'}\n"
      "eval: {sets: [a.tsv, b.tsv]}\n"
      "experiment: {output_dir: 'out/${model.name}/\\${literal}', seed: '${train.batch_size}'}\n"
      "train: {batch_size: 12}\n");
  EXPECT_EQ(config_string(c, "model.path"), "/env/root/m");  // the schema's ${model.root}/${model.name}
  EXPECT_EQ(config_string(c, "data.root"), "/fallback");
  EXPECT_EQ(config_string_list(c, "data.pairs"), (std::vector<std::string>{"a.tsv", "b.tsv"}));  // a list stays a list
  EXPECT_EQ(config_string(c, "experiment.output_dir"), "out/m/${literal}");
  EXPECT_EQ(config_int(c, "experiment.seed"), 12);
  const std::string unset = error_of("model: {name: m, root: '${env:LACOS_TEST_UNSET}'}\n");
  EXPECT_NE(unset.find("environment variable LACOS_TEST_UNSET is not set"), std::string::npos) << unset;
  const std::string missing = error_of("model: {name: '${model.nam}'}\n");
  EXPECT_NE(missing.find("${model.nam} refers to a key that does not exist; did you mean ${model.name}?"),
            std::string::npos)
      << missing;
  const std::string cycle = error_of("model: {name: '${model.hub_id}', hub_id: '${model.name}'}\n");
  EXPECT_NE(cycle.find("interpolation cycle"), std::string::npos) << cycle;
  const std::string resolver = error_of("model: {name: '${oops:x}'}\n");
  EXPECT_NE(resolver.find("unknown resolver"), std::string::npos) << resolver;
}

std::vector<PlannedRun> plan(const fs::path& file, const std::vector<std::string>& overrides, bool multirun) {
  return plan_sweep(ExperimentComposer(file), overrides, multirun);
}

TEST_F(ComposeTest, SweepsAreCartesianProducts) {
  const fs::path file = write(std::string(kBase) + "sweep:\n  model: [small, large]\n  experiment.seed: range(0, 3)\n");
  const auto runs = plan(file, {}, false);
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(runs[0].name, "model=small,experiment.seed=0");
  EXPECT_EQ(runs[5].name, "model=large,experiment.seed=2");
  const auto pinned = plan(file, {"model=large"}, false);  // one value pins the axis
  ASSERT_EQ(pinned.size(), 3u);
  EXPECT_EQ(pinned[0].name, "experiment.seed=0");
  const auto cli = plan(file, {"optim.lr=range(0.1,0.4,0.1)", "experiment.seed=5,6"}, true);
  ASSERT_EQ(cli.size(), 12u);  // 2 models x 2 seeds (replacing the file's axis) x 3 rates
  EXPECT_EQ(cli[0].name, "model=small,experiment.seed=5,optim.lr=0.1");
  EXPECT_EQ(cli[11].name, "model=large,experiment.seed=6,optim.lr=0.3");
  const ExperimentComposer composer(file);
  const ConfigNode last = composer.compose(cli[11].overrides, 0).config;
  EXPECT_DOUBLE_EQ(config_float(last, "optim.lr"), 0.3);
  EXPECT_EQ(config_string(last, "model.name"), "large");
  EXPECT_EQ(config_int(last, "experiment.seed"), 6);
  try {
    plan(file, {"optim.lr=0.1,0.2"}, false);
    FAIL() << "a list of values without -m must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("add -m (--multirun)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(plan(file, {"lora.targets=[dense,dense_h_to_4h]"}, false).size(), 6u);  // a list is one value
  // Sizes are checked before anything is generated, and only finite bounds are ranges.
  for (const auto& [range, expected] : std::vector<std::pair<std::string, std::string>>{
           {"range(0,1e15)", "has 1000000000000000 values; that is surely a mistake"},
           {"range(0,nan)", "range() argument 'nan' is not a finite number"},
           {"range(0,inf)", "range() argument 'inf' is not a finite number"}}) {
    try {
      plan(file, {"experiment.seed=" + range}, true);
      FAIL() << range << " must be refused";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
  const fs::path typo = write(std::string(kBase) + "sweep:\n  optim.lrr: [1, 2]\n");
  try {
    plan(typo, {}, false);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'optim.lr'?"), std::string::npos) << e.what();
  }
}

TEST_F(ComposeTest, SweepRunsAreCountedBeforeTheyAreMade) {
  // Each axis within its own bound, but together 2 x 10,000 x 10,000 = 2 x 10^8 runs (found by fuzz_experiment).
  const fs::path file = write(std::string(kBase) + "sweep:\n  model: [small, large]\n");
  try {
    plan(file, {"optim.lr=range(0,1,0.0001)", "experiment.seed=range(10000)"}, true);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sweep: 2 model x 10000 optim.lr x 10000 experiment.seed values make "
                                         "200000000 runs, more than 10000"),
              std::string::npos)
        << e.what();
  }
  // Exactly at the bound is still a sweep.
  EXPECT_EQ(plan(file, {"experiment.seed=range(5000)"}, true).size(), 10000u);
}

TEST_F(ComposeTest, DryRunDifferencesShowWhatVaries) {
  const fs::path file = write(std::string(kBase) + "sweep:\n  model: [small, large]\n");
  const ExperimentComposer composer(file);
  std::vector<ConfigNode> configs;
  for (const auto& run : plan_sweep(composer, {}, false)) configs.push_back(composer.compose(run.overrides, 0).config);
  const auto differences = resolved_differences(configs);
  EXPECT_NE(std::find(differences[0].begin(), differences[0].end(), "model.name=small"), differences[0].end());
  EXPECT_NE(std::find(differences[1].begin(), differences[1].end(), "model.hub_id=org/large"), differences[1].end());
  EXPECT_NE(std::find_if(differences[1].begin(), differences[1].end(),
                         [](const std::string& d) { return d.rfind("model.path=", 0) == 0; }),
            differences[1].end());  // interpolated values count
  for (const auto& d : differences[0]) EXPECT_EQ(d.rfind("optim.", 0), std::string::npos) << d;
}

fs::path experiments_dir() { return fs::path(LACOS_TEST_FIXTURES).parent_path().parent_path() / "experiments"; }

TEST(ShippedExperiments, ScalingSweepsTheFiveBlooms) {
  const ExperimentComposer composer(experiments_dir() / "scaling.yaml");
  const auto runs = plan_sweep(composer, {}, false);
  ASSERT_EQ(runs.size(), 5u);
  std::vector<std::string> names;
  for (const auto& run : runs) {
    const RunSettings settings = read_run_settings(composer.compose(run.overrides, 0).config);
    names.push_back(settings.model.name);
    EXPECT_EQ(settings.load.base_weights.name(), "int8-block64");
    EXPECT_TRUE(settings.trainer.optimizer.eight_bit);
    EXPECT_EQ(settings.model.hub_id, "bigscience/" + settings.model.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"bloom-560m", "bloom-1b1", "bloom-1b7", "bloom-3b", "bloom-7b1"}));
}

TEST(ShippedExperiments, ReferenceIsExactlyThePythonRecipe) {
  const ExperimentComposer composer(experiments_dir() / "reference.yaml");
  const auto runs = plan_sweep(composer, {"model=lacos-tiny-2"}, false);
  ASSERT_EQ(runs.size(), 2u);  // seeds 0 and 1
  const RunSettings s = read_run_settings(composer.compose(runs[1].overrides, 0).config);
  EXPECT_EQ(s.model.name, "lacos-tiny-2");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.load.base_weights.name(), "float");
  EXPECT_EQ(s.load.dtype, torch::kFloat32);
  EXPECT_EQ(s.lora.r, 8);
  EXPECT_DOUBLE_EQ(s.lora.scaling(), 2.0);
  EXPECT_DOUBLE_EQ(s.lora.dropout, 0.0);
  EXPECT_EQ(s.lora.target_modules, (std::vector<std::string>{"query_key_value"}));
  EXPECT_EQ(s.trainer.optimizer.name(), "adamw");
  EXPECT_DOUBLE_EQ(s.trainer.optimizer.weight_decay, 0.0);
  EXPECT_DOUBLE_EQ(s.trainer.learning_rate, 1e-3);
  EXPECT_EQ(s.trainer.steps, 400);
  EXPECT_EQ(s.trainer.batching.batch_size, 64);
  EXPECT_FALSE(s.trainer.batching.shuffle);
  EXPECT_FALSE(s.trainer.use_hard_negatives);
  EXPECT_DOUBLE_EQ(s.trainer.mnr.scale, 20.0);
  EXPECT_EQ(s.encoder.max_length, 64);
  EXPECT_EQ(s.encoder.pooling, Pooling::Mean);
  LrSchedule schedule = s.trainer.schedule;
  schedule.total_steps = 400;
  EXPECT_DOUBLE_EQ(schedule.factor(0), 1.0 / 40);
  EXPECT_DOUBLE_EQ(schedule.factor(100), 300.0 / 360);
  EXPECT_EQ(s.eval_paths.size(), 18u);
  EXPECT_EQ(s.pair_files.at(0).filename(), "nli-entailment-pairs.tsv.gz");
}

TEST(ShippedExperiments, QuickstartFallsBackToRandomModels) {
  const ExperimentComposer composer(experiments_dir() / "quickstart.yaml");
  const auto runs = plan_sweep(composer, {}, false);
  ASSERT_EQ(runs.size(), 4u);
  const RunSettings s = read_run_settings(composer.compose(runs[3].overrides, 0).config);
  EXPECT_TRUE(s.model.random_init_if_missing);
  EXPECT_EQ(s.model.random_shape.hidden_size, 384);
  EXPECT_EQ(s.model.random_shape.n_head, 12);
}

TEST(ConfigSchema, EveryDefaultTypeChecks) {
  ConfigNode defaults = schema_defaults();
  set_path(defaults, "model.name", ConfigNode::make_scalar("m", "test"));
  EXPECT_NO_THROW(check_types(defaults));
  EXPECT_NE(describe_schema().find("optim.min_8bit_size"), std::string::npos);
}

TEST_F(ComposeTest, GroupOptionsAreNamesInsideConf) {
  fs::create_directories(dir_ / "secret");
  test::write_bytes(dir_ / "secret" / "key.yaml", "name: stolen\n");
  for (const char* option : {"../../secret/key", "..", "a/b"}) {
    try {
      compose("defaults:\n  - model: small\n", {std::string("model=") + option});
      ADD_FAILURE() << option << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("is not a config name"), std::string::npos) << option << ": " << e.what();
    }
  }
}

// Hostile experiment files and overrides: bounded before they cost memory or time.
TEST(HostileConfig, AliasExpansionIsBounded) {
  // Nine levels of ten aliases: 10^9 values once expanded ("billion laughs").
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    text += fmt::format("a{}: &a{} [", level, level);
    for (int i = 0; i < 10; ++i) text += fmt::format("{}*a{}", i ? ", " : "", level - 1);
    text += "]\n";
  }
  try {
    parse_config_text(text, "laughs.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("laughs.yaml: more than 100000 values once YAML aliases are expanded"),
              std::string::npos)
        << e.what();
  }
  // A few aliases, as people use them, still work.
  const ConfigNode node = parse_config_text("base: &b {lr: 1}\ncopy: *b\n", "ok.yaml");
  EXPECT_EQ(find_path(node, "copy.lr")->scalar, "1");
}

TEST(HostileConfig, RangesAreCountedBeforeTheyAreGenerated) {
  for (const char* value : {"range(-1e308,1e308)", "range(5e68,2020.,1)", "range(0,1e15)", "range(0,1,1e-300)"}) {
    EXPECT_THROW(sweep_choices(value, "w"), Error) << value;
  }
  // Integers beyond 2^53 are not exact as doubles, so they are written as floating-point numbers.
  EXPECT_EQ(sweep_choices("range(10000000000000000,10000000000000002,2)", "w"), std::vector<std::string>{"1e+16"});
}

TEST(HostileConfig, OversizedConfigFileIsRefusedBeforeReading) {
  test::TempDir dir;
  const fs::path path = dir / "huge.yaml";
  {
    std::ofstream out(path);
    out << "a: 1\n";
  }
  fs::resize_file(path, (std::uintmax_t{16} << 20) + 1);  // sparse: costs no disk
  try {
    load_config_file(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("huge.yaml: config file of 16777217 bytes is larger than"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace lacos

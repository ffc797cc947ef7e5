// lacos-exp end to end on the tiny fixture BLOOMs: one folder and one run.h5 per run, the
// documented schema (read back here and by Python's h5py), the random stand-in, and the errors.
#include "core/json_file.h"
#include "experiment/run_folder.h"
#include "io/h5_file.h"
#include "io/run_h5.h"
#include "test_support.h"

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>

namespace lacos {
namespace {

namespace fs = std::filesystem;

// An experiment folder with a model group pointing at the fixtures, 12 training pairs and 4 STS pairs.
class ExpRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "conf" / "model");
    test::write_bytes(dir_ / "conf" / "model" / "a.yaml",
                      fmt::format("name: tiny-bloom-a\nroot: {}\n", test::fixture("").string()));
    test::write_bytes(dir_ / "conf" / "model" / "b.yaml",
                      fmt::format("name: tiny-bloom-b\nroot: {}\n", test::fixture("").string()));
    test::write_bytes(dir_ / "conf" / "model" / "stand-in.yaml",
                      "name: no-such-model\nroot: /nonexistent\nrandom_init_if_missing: true\n"
                      "shape: {hidden_size: 32, n_layer: 2, n_head: 4, vocab_size: 300}\n");
    std::string pairs;
    for (int i = 0; i < 12; ++i) pairs += fmt::format("Sentence {} about cats.\tA text on cats, number {}.\n", i, i);
    test::write_bytes(dir_ / "data" / "pairs.tsv", pairs);
    test::write_bytes(dir_ / "data" / "sts.tsv",
                      "A cat sleeps.\tA cat is sleeping.\t4.5\nA dog barks.\tThe market fell.\t0.5\n"
                      "Two men talk.\tTwo people chat.\t4.0\nIt rains.\tA man cooks.\t0.2\n");
    test::write_bytes(dir_ / "data" / "bitext" / "cats-fr-en.tsv",
                      "Un chat dort.\tA cat sleeps.\nLe marché a chuté.\tThe market fell.\n"
                      "Il pleut.\tIt rains.\nDeux hommes parlent.\tTwo men talk.\n");
    test::write_bytes(dir_ / "exp.yaml",
                      fmt::format("defaults:\n  - model: a\n  - _self_\n"
                                  "experiment: {{output_dir: {}, progress: false}}\n"
                                  "model: {{base_weights: int8}}\n"
                                  "data: {{root: {}, pairs: [pairs.tsv]}}\n"
                                  "train: {{steps: 3, batch_size: 4, max_length: 16, eval_every: 2}}\n"
                                  "optim: {{name: adamw8bit, min_8bit_size: 0, warmup_steps: 1}}\n"
                                  "lora: {{r: 2}}\n"
                                  "eval: {{sets: [sts.tsv]}}\n",
                                  (dir_ / "out").string(), (dir_ / "data").string()));
  }
  test::CommandResult exp(const std::string& arguments) {
    return test::run_command(
        fmt::format("{} {} {}", test::quoted(test::bin("lacos-exp")), test::quoted(dir_ / "exp.yaml"), arguments));
  }
  test::TempDir dir_;
};

TEST_F(ExpRunTest, SweepWritesOneFolderAndRunH5PerRun) {
  const auto result = exp("-m model=a,b");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("| model=b | completed |"), std::string::npos) << result.output;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "summary.md"));
  for (const char* run : {"model=a", "model=b"}) {
    const fs::path folder = dir_ / "out" / run;
    for (const char* file : {"config.yaml", "overrides.txt", "run.log", "run.h5", "adapter/adapter_config.json"}) {
      EXPECT_TRUE(fs::exists(folder / file)) << folder / file;
    }
    const fs::path h5 = folder / "run.h5";
    const auto summary = read_h5_attributes(h5, "/summary");
    EXPECT_EQ(std::get<std::string>(summary.at("status")), "completed");
    EXPECT_EQ(std::get<std::int64_t>(summary.at("schema_version")), kRunH5SchemaVersion);
    EXPECT_EQ(std::get<std::int64_t>(summary.at("world_size")), 1);
    EXPECT_EQ(std::get<std::string>(summary.at("device")), "cpu");
    EXPECT_GT(std::get<std::int64_t>(summary.at("params_total")),
              std::get<std::int64_t>(summary.at("params_trainable")));
    EXPECT_GT(std::get<std::int64_t>(summary.at("params_trainable")), 0);
    EXPECT_GT(std::get<std::int64_t>(summary.at("peak_memory_bytes")), 0);
    EXPECT_GT(std::get<double>(summary.at("tokens_per_second")), 0.0);
    EXPECT_GT(std::get<double>(summary.at("wall_seconds")), 0.0);
    EXPECT_NE(std::get<std::string>(summary.at("versions")).find("LibTorch"), std::string::npos);
    // train.log_every = 10: step 0 and the last step log.
    EXPECT_EQ(read_h5_doubles(h5, "/train/step"), (std::vector<double>{0, 2}));
    EXPECT_EQ(read_h5_doubles(h5, "/train/loss").size(), 2u);
    EXPECT_EQ(read_h5_doubles(h5, "/train/lr").size(), 2u);
    EXPECT_EQ(std::get<std::int64_t>(summary.at("steps")), 3);
    EXPECT_EQ(read_h5_doubles(h5, "/eval/sts/step"), (std::vector<double>{2, 3}));
    const auto spearman = read_h5_doubles(h5, "/eval/sts/spearman");
    ASSERT_EQ(spearman.size(), 2u);
    EXPECT_LE(std::abs(spearman[1]), 100.0);
    const std::string config = read_h5_string(h5, "/config");
    EXPECT_NE(config.find(std::string("name: tiny-bloom-") + run[6]), std::string::npos) << config;
    EXPECT_EQ(read_h5_string(h5, "/overrides"), std::string(run));
    // The sentence-transformers-style export carries adapter, pooling and max_length (16 here,
    // not lacos-eval's default 512): evaluating it gives the run's own last score.
    const auto evaluated = test::run_command(fmt::format("{} --model {} {}", test::quoted(test::bin("lacos-eval")),
                                                         test::quoted(folder / "sentence-transformers"),
                                                         test::quoted(dir_ / "data" / "sts.tsv")));
    ASSERT_EQ(evaluated.exit_code, 0) << evaluated.output;
    EXPECT_NEAR(Json::parse(evaluated.output)["sts"]["spearman"].get<double>(), spearman[1], 1e-6) << evaluated.output;
  }
}

// The schema as docs/experiments.md documents it, read by Python's h5py.
TEST_F(ExpRunTest, PythonH5pyReadsTheDocumentedSchema) {
  // Debian's python3-h5py lives beside Debian's python3, which a pyenv or venv python may shadow on PATH.
  const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (test::run_command(python + " -c 'import h5py'").exit_code != 0) {
    if (std::getenv("LACOS_REQUIRE_SHARED") != nullptr)
      FAIL() << "python3-h5py is not installed (launch/setup.sh installs it)";
    GTEST_SKIP() << "python3-h5py not installed";
  }
  const auto run = exp("train.steps=2 train.eval_every=0 'eval.sets=[sts.tsv,bitext/cats-fr-en.tsv]'");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("cats-fr-en |"), std::string::npos) << run.output;  // summary.md's column
  test::write_bytes(dir_ / "read.py", R"(import sys, h5py
f = h5py.File(sys.argv[1], 'r')
config = f['config'][()].decode('utf-8')
assert 'tiny-bloom-a' in config, config
s = f['summary'].attrs
for key in ['status', 'model', 'params_total', 'params_trainable', 'peak_memory_bytes', 'tokens_per_second',
            'wall_seconds', 'world_size', 'device', 'versions', 'schema_version', 'load_seconds',
            'peak_resident_load_bytes', 'peak_resident_bytes']:
    assert key in s, key
status = s['status'] if isinstance(s['status'], str) else s['status'].decode()
assert status == 'completed', status
assert list(f['train/step'][:]) == [0, 1], f['train/step'][:]
assert f['train/loss'].dtype == 'float64' and f['train/lr'].shape == (2,) and f['train/tokens_per_second'].shape == (2,)
assert list(f['eval/sts/step'][:]) == [2]  # steps completed
assert -100 <= f['eval/sts/spearman'][0] <= 100 and -100 <= f['eval/sts/pearson'][0] <= 100
for score in ['spearman', 'pearson']:
    low, high, value = f[f'eval/sts/{score}_low'][0], f[f'eval/sts/{score}_high'][0], f[f'eval/sts/{score}'][0]
    assert -100 <= low <= high <= 100, (score, low, high)
assert f['eval/sts/pairs'].attrs['step'] == 2
pairs = f['eval/sts/pairs/gold'].shape
assert f['eval/sts/pairs/predicted'].shape == pairs and pairs[0] >= 2, pairs
b = f['eval/cats-fr-en']
kind = b.attrs['kind'] if isinstance(b.attrs['kind'], str) else b.attrs['kind'].decode()
assert kind == 'bitext' and 'kind' not in f['eval/sts'].attrs, kind
assert list(b['step'][:]) == [2]
for column in ['accuracy', 'accuracy_low', 'accuracy_high', 'to_english', 'from_english', 'margin_to_english',
               'margin_from_english']:
    assert b[column].shape == (1,) and 0 <= b[column][0] <= 100, (column, b[column][:])
assert b['accuracy'][0] == (b['to_english'][0] + b['from_english'][0]) / 2
assert b['accuracy_low'][0] <= b['accuracy'][0] <= b['accuracy_high'][0]
assert int(s['schema_version']) == 3
print('h5py ok', int(s['params_trainable']))
)");
  const auto result = test::run_command(
      fmt::format("{} {} {}", python, test::quoted(dir_ / "read.py"), test::quoted(dir_ / "out" / "run" / "run.h5")));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("h5py ok"), std::string::npos) << result.output;
  // lacos-eval scores the bitext set of the exported run as the run's last evaluation did.
  const auto evaluated = test::run_command(fmt::format("{} --model {} {}", test::quoted(test::bin("lacos-eval")),
                                                       test::quoted(dir_ / "out" / "run" / "sentence-transformers"),
                                                       test::quoted(dir_ / "data" / "bitext" / "cats-fr-en.tsv")));
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.output;
  const Json bitext = Json::parse(evaluated.output)["cats-fr-en"];
  EXPECT_EQ(bitext["pairs"].get<int>(), 4);
  EXPECT_DOUBLE_EQ(bitext["accuracy"].get<double>(),
                   read_h5_doubles(dir_ / "out" / "run" / "run.h5", "/eval/cats-fr-en/accuracy")[0]);
  EXPECT_EQ(bitext["accuracy_ci"].size(), 2u);
}

TEST_F(ExpRunTest, RandomStandInWithNotice) {
  const auto result = exp("model=stand-in train.steps=2");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(
      result.output.find("NOTICE: model folder /nonexistent/no-such-model not found; using a random-initialised BLOOM"),
      std::string::npos)
      << result.output;
  const auto summary = read_h5_attributes(dir_ / "out" / "run" / "run.h5", "/summary");
  EXPECT_EQ(std::get<std::int64_t>(summary.at("random_init")), 1);
  EXPECT_EQ(std::get<std::string>(summary.at("status")), "completed");
}

TEST_F(ExpRunTest, ARunHeldByAnotherProcessIsNotEntered) {
  const fs::path folder = dir_ / "out" / "run";
  fs::create_directories(folder);
  {
    const RunLock held(folder);  // as a first lacos-exp on this run would hold it
    const auto second = exp("");
    EXPECT_EQ(second.exit_code, 1) << second.output;
    EXPECT_NE(second.output.find(fmt::format("another lacos-exp (pid {}) is running this run", ::getpid())),
              std::string::npos)
        << second.output;
    EXPECT_FALSE(fs::exists(folder / "run.h5"));  // it wrote nothing
  }
  const auto after = exp("");  // the lock goes with its holder
  ASSERT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(read_run_h5(folder / "run.h5").status(), RunStatus::completed);
}

TEST_F(ExpRunTest, DryRunAndCfgRunNothing) {
  const auto dry = exp("-m model=a,b optim.lr=1e-3,2e-3 --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("4 run(s)"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("[3] model=b,optim.lr=2e-3"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("optim.lr=2e-3"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("model.name=tiny-bloom-b"), std::string::npos) << dry.output;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  const auto cfg = exp("--cfg job lora.r=5");
  ASSERT_EQ(cfg.exit_code, 0) << cfg.output;
  EXPECT_NE(cfg.output.find("r: 5"), std::string::npos) << cfg.output;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  const auto help = test::run_command(test::quoted(test::bin("lacos-exp")) + " --help");
  EXPECT_NE(help.output.find("lowest priority first"), std::string::npos) << help.output;
}

TEST_F(ExpRunTest, ClearErrorsAndFailedStatus) {
  const auto missing = exp("model.root=/nowhere model.name=bloom-560m");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("model 'bloom-560m' not found: no folder /nowhere/bloom-560m"), std::string::npos)
      << missing.output;
  EXPECT_NE(missing.output.find("huggingface-cli download bigscience/bloom-560m"), std::string::npos) << missing.output;
  EXPECT_FALSE(fs::exists(dir_ / "out"));  // checked before anything runs

  const auto no_data = exp("data.pairs=[nothere.tsv]");
  EXPECT_EQ(no_data.exit_code, 1);
  EXPECT_NE(no_data.output.find("data.pairs file"), std::string::npos) << no_data.output;
  EXPECT_NE(no_data.output.find("nothere.tsv not found"), std::string::npos) << no_data.output;

  // A checkpoint that breaks while loading: the run is marked failed, with the message.
  fs::create_directories(dir_ / "broken");
  fs::copy(test::fixture("tiny-bloom-a"), dir_ / "broken" / "tiny-bloom-a", fs::copy_options::recursive);
  for (const auto& entry : fs::directory_iterator(dir_ / "broken" / "tiny-bloom-a")) {
    if (entry.path().extension() == ".safetensors") fs::resize_file(entry.path(), 100);
  }
  const auto broken = exp(fmt::format("model.root={}", (dir_ / "broken").string()));
  EXPECT_EQ(broken.exit_code, 1);
  const auto summary = read_h5_attributes(dir_ / "out" / "run" / "run.h5", "/summary");
  EXPECT_EQ(std::get<std::string>(summary.at("status")), "failed");
  EXPECT_NE(std::get<std::string>(summary.at("error")).find("safetensors"), std::string::npos);
  EXPECT_NE(broken.output.find("lacos-exp: error: "), std::string::npos) << broken.output;

  const auto typo = exp("trian.steps=3");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.output.find("did you mean 'train.steps'?"), std::string::npos) << typo.output;
}

}  // namespace
}  // namespace lacos

namespace lacos {
namespace {

// launch/download-data.sh against a local mirror: good files land, a file whose checksum does
// not match the manifest is refused (and the script fails), a second run keeps what is there.
TEST(DownloadData, ChecksumsEveryFile) {
  test::TempDir dir;
  const fs::path mirror = dir / "mirror" / "org" / "repo" / "0123";
  test::write_bytes(mirror / "a" / "good.txt", "hello\n");
  test::write_bytes(mirror / "bad.txt", "tampered\n");
  const std::string hello_sha =
      "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";  // sha256 of "hello\n"
  test::write_bytes(dir / "manifest.tsv",
                    "# dest\trepo\tcommit\tpath\tsha256\n"
                    "x/good.txt\torg/repo\t0123\ta/good.txt\t" +
                        hello_sha +
                        "\n"
                        "y/bad.txt\torg/repo\t0123\tbad.txt\t" +
                        hello_sha + "\n");
  const fs::path script = fs::path(LACOS_TEST_FIXTURES).parent_path().parent_path() / "launch" / "download-data.sh";
  const std::string command =
      fmt::format("LACOS_DATA_URL=file://{} LACOS_DATA_MANIFEST={} bash {} {} --no-prepare", (dir / "mirror").string(),
                  test::quoted(dir / "manifest.tsv"), test::quoted(script), test::quoted(dir / "data"));
  const auto first = test::run_command(command);
  EXPECT_NE(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("FAILED y/bad.txt"), std::string::npos) << first.output;
  EXPECT_EQ(test::read_bytes(dir / "data" / "x" / "good.txt"), "hello\n");
  EXPECT_FALSE(fs::exists(dir / "data" / "y" / "bad.txt"));
  EXPECT_FALSE(fs::exists(dir / "data" / "y" / "bad.txt.part"));
  test::write_bytes(mirror / "bad.txt", "hello\n");  // the mirror is fixed
  const auto second = test::run_command(command);
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("1 fetched, 1 already present, 0 failed"), std::string::npos) << second.output;
}

}  // namespace
}  // namespace lacos

namespace lacos {
namespace {

// A run killed (SIGKILL) or stopped (SIGTERM) and then continued ends with the same adapter,
// losses and scores, bit for bit, as a run that was never interrupted (CPU, dropout on, 8-bit
// Adam, shuffled data: every piece of state has to come back).
class ResumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_cat_experiment_inputs(dir_.path());
    test::write_bytes(
        dir_ / "exp.yaml",
        fmt::format("defaults:\n  - model: a\n  - _self_\n"
                    "experiment: {{progress: false, threads: 1}}\n"
                    "model: {{base_weights: int8}}\n"
                    "data: {{root: {}, pairs: [pairs.tsv], shuffle: true}}\n"
                    "train: {{steps: 200, batch_size: 4, max_length: 16, eval_every: 50, checkpoint_every: 10, "
                    "keep_checkpoints: 2, best_metric: sts}}\n"
                    "optim: {{name: adamw8bit, min_8bit_size: 0, warmup_steps: 5}}\n"
                    "lora: {{r: 2, dropout: 0.1}}\n"
                    "eval: {{sets: [sts.tsv]}}\n",
                    (dir_ / "data").string()));
  }
  std::string command(const std::string& out) const {
    return fmt::format("exec {} {} experiment.output_dir={}", test::quoted(test::bin("lacos-exp")),
                       test::quoted(dir_ / "exp.yaml"), out);
  }
  // Starts lacos-exp, waits for its first checkpoint, sends `signal_number`; returns the exit status.
  int interrupt(const std::string& out, int signal_number) {
    const pid_t pid = test::start_in_background(command(out) + " >/dev/null 2>&1");
    const fs::path run = fs::path(out) / "run";
    for (int i = 0; i < 3000 && !fs::exists(run / "checkpoint-00000020.h5"); ++i) ::usleep(10000);
    ::kill(pid, signal_number);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
  }
  void expect_same_as_uninterrupted(const fs::path& resumed) {
    const fs::path reference = dir_ / "straight" / "run";
    EXPECT_EQ(test::read_bytes(resumed / "adapter" / "adapter_model.safetensors"),
              test::read_bytes(reference / "adapter" / "adapter_model.safetensors"));
    EXPECT_EQ(read_h5_doubles(resumed / "run.h5", "/train/step"), read_h5_doubles(reference / "run.h5", "/train/step"));
    EXPECT_EQ(read_h5_doubles(resumed / "run.h5", "/train/loss"), read_h5_doubles(reference / "run.h5", "/train/loss"));
    EXPECT_EQ(read_h5_doubles(resumed / "run.h5", "/eval/sts/spearman"),
              read_h5_doubles(reference / "run.h5", "/eval/sts/spearman"));
    EXPECT_EQ(read_h5_doubles(resumed / "run.h5", "/eval/sts/step"), (std::vector<double>{50, 100, 150, 200}));
    const auto summary = read_h5_attributes(resumed / "run.h5", "/summary");
    EXPECT_EQ(std::get<std::string>(summary.at("status")), "completed");
    EXPECT_GT(std::get<std::int64_t>(summary.at("resumed_from_step")), 0);
    EXPECT_EQ(read_h5_doubles(resumed / "run.h5", "/checkpoints/step"),
              (std::vector<double>{190, 200}));  // the last 2 kept
    EXPECT_TRUE(fs::exists(resumed / "checkpoint-best.h5"));
  }
  void run_straight() {
    const auto straight = test::run_command(command((dir_ / "straight").string()));
    ASSERT_EQ(straight.exit_code, 0) << straight.output;
  }
  test::TempDir dir_;
};

TEST_F(ResumeTest, KilledRunContinuesBitIdentically) {
  run_straight();
  const std::string out = (dir_ / "killed").string();
  const int status = interrupt(out, SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(status));
  // What the killed writer left is a complete file (written aside and renamed), still `running`.
  const auto summary = read_h5_attributes(dir_ / "killed" / "run" / "run.h5", "/summary");
  EXPECT_EQ(std::get<std::string>(summary.at("status")), "running");
  const auto rerun = test::run_command(command(out));  // the same command again continues it
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  expect_same_as_uninterrupted(dir_ / "killed" / "run");
  // A third invocation finds it completed and skips it.
  const auto again = test::run_command(command(out));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("| run | completed earlier |"), std::string::npos) << again.output;
}

TEST_F(ResumeTest, ASweepKilledInItsFirstRunCompletesOnResume) {
  const fs::path out = dir_ / "sweep";
  const pid_t pid = test::start_in_background(command(out.string()) + " -m lora.r=2,3 >/dev/null 2>&1");
  for (int i = 0; i < 3000 && !fs::exists(out / "lora.r=2" / "checkpoint-00000020.h5"); ++i) ::usleep(10000);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(fs::exists(out / "lora.r=3" / "run.h5"));  // the second run never started
  const auto resumed =
      test::run_command(fmt::format("{} --resume {}", test::quoted(test::bin("lacos-exp")), test::quoted(out)));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  for (const char* run : {"lora.r=2", "lora.r=3"}) {
    const RunRecord record = read_run_h5(out / run / "run.h5");
    EXPECT_EQ(record.status(), RunStatus::completed) << run;
    EXPECT_EQ(record.train.step.back(), 199) << run;
  }
  EXPECT_NE(resumed.output.find("| lora.r=3 | completed |"), std::string::npos) << resumed.output;
}

TEST_F(ResumeTest, SigtermCheckpointsMarksInterruptedAndResumes) {
  run_straight();
  const std::string out = (dir_ / "stopped").string();
  const int status = interrupt(out, SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  const auto summary = read_h5_attributes(dir_ / "stopped" / "run" / "run.h5", "/summary");
  EXPECT_EQ(std::get<std::string>(summary.at("status")), "interrupted");
  const auto steps = read_h5_doubles(dir_ / "stopped" / "run" / "run.h5", "/checkpoints/step");
  ASSERT_FALSE(steps.empty());
  // The stop's checkpoint: at the step the signal was seen (after the first scheduled checkpoint,
  // at 20; which step depends on timing), with the logged rows (every 10th step) up to it.
  const double stopped_at = steps.back();
  const auto logged = read_h5_doubles(dir_ / "stopped" / "run" / "run.h5", "/train/step");
  EXPECT_GT(stopped_at, 20);
  EXPECT_LT(logged.back(), stopped_at);
  EXPECT_GE(logged.back(), stopped_at - 10);
  EXPECT_TRUE(fs::exists(dir_ / "stopped" / "run" / fmt::format("checkpoint-{:08d}.h5", static_cast<int>(stopped_at))));
  const auto resumed = test::run_command(fmt::format("{} --resume {}", test::quoted(test::bin("lacos-exp")), out));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  expect_same_as_uninterrupted(dir_ / "stopped" / "run");
}

TEST_F(ResumeTest, ChangedConfigurationIsRefused) {
  const std::string out = (dir_ / "first").string();
  ASSERT_EQ(test::run_command(command(out) + " train.steps=20").exit_code, 0);
  const auto changed = test::run_command(command(out) + " train.steps=30");
  EXPECT_NE(changed.exit_code, 0);
  EXPECT_NE(changed.output.find("holds a run with another configuration"), std::string::npos) << changed.output;
}

}  // namespace
}  // namespace lacos

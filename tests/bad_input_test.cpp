// The catalogue of bad input, end to end: the real executables on broken configurations, files,
// checkpoints and folders. Each case must end with a non-zero exit, one "<program>: error:" line
// naming what is wrong, and no run folder claiming `completed`.
#include "io/h5_file.h"
#include "test_support.h"

#include <fmt/format.h>

#include <sys/mount.h>

#include <cctype>
#include <functional>

namespace lacos {
namespace {

namespace fs = std::filesystem;

struct BadCase {
  const char* name;
  std::function<std::string(const fs::path& dir)> prepare;  // returns the command line
  const char* expected;                                     // part of the error line
  bool earlier_run_completed = false;                       // the case starts from a finished run
};

// A working experiment in `dir` (tiny-bloom-a, 12 pairs, 4 STS pairs, 2 steps) that each case breaks.
void write_experiment(const fs::path& dir, const std::string& extra = "") {
  test::write_bytes(dir / "conf" / "model" / "a.yaml",
                    fmt::format("name: tiny-bloom-a\nroot: {}\n", test::fixture("").string()));
  std::string pairs;
  for (int i = 0; i < 12; ++i) pairs += fmt::format("Sentence {} about cats.\tA text on cats, number {}.\n", i, i);
  test::write_bytes(dir / "data" / "pairs.tsv", pairs);
  test::write_bytes(dir / "data" / "sts.tsv",
                    "A cat sleeps.\tA cat is sleeping.\t4.5\nA dog barks.\tThe market fell.\t0.5\n"
                    "Two men talk.\tTwo people chat.\t4.0\nIt rains.\tA man cooks.\t0.2\n");
  test::write_bytes(dir / "exp.yaml",
                    fmt::format("defaults:\n  - model: a\n  - _self_\n"
                                "experiment: {{output_dir: {}, progress: false}}\n"
                                "data: {{root: {}, pairs: [pairs.tsv]}}\n"
                                "train: {{steps: 2, batch_size: 4, max_length: 16, checkpoint_every: 1}}\n"
                                "eval: {{sets: [sts.tsv]}}\n{}",
                                (dir / "out").string(), (dir / "data").string(), extra));
}

std::string exp(const fs::path& dir, const std::string& arguments) {
  return fmt::format("{} {} {}", test::quoted(test::bin("lacos-exp")), test::quoted(dir / "exp.yaml"), arguments);
}

std::string tool(const char* program, const std::string& arguments) {
  return fmt::format("{} {}", test::quoted(test::bin(program)), arguments);
}

const std::vector<BadCase>& catalogue() {
  static const std::vector<BadCase> cases = {
      {"typo in an override",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "trian.steps=3");
       },
       "did you mean 'train.steps'?"},
      {"typo in the file",
       [](const fs::path& d) {
         write_experiment(d, "lora: {rank: 4}\n");
         return exp(d, "");
       },
       "unknown key 'lora.rank'; did you mean 'lora.r'?"},
      {"wrong type",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "train.steps=many");
       },
       "expected an integer, got 'many'"},
      {"wrong kind of value",
       [](const fs::path& d) {
         write_experiment(d, "lora: 8\n");
         return exp(d, "");
       },
       "key 'lora' must be a mapping"},
      {"out of range",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "train.batch_size=0");
       },
       "must be at least 1"},
      {"unknown choice",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "optim.name=sgd");
       },
       "'sgd' is not one of"},
      {"unknown group option",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "model=b");
       },
       "'b' is not an option of group 'model'"},
      {"invalid YAML",
       [](const fs::path& d) {
         write_experiment(d, "train: {steps: 2\n");
         return exp(d, "");
       },
       "not valid YAML"},
      {"missing required value",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "~model.name");
       },
       "key 'model.name' is required"},
      {"interpolation to nothing",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "model.hub_id='${model.nam}'");
       },
       "refers to a key that does not exist"},
      {"unset environment variable",
       [](const fs::path& d) {
         write_experiment(d);
         return "env -u LACOS_NOPE " + exp(d, "model.root='${env:LACOS_NOPE}'");
       },
       "environment variable LACOS_NOPE is not set"},
      {"several values without -m",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "optim.lr=1e-3,2e-3");
       },
       "add -m (--multirun)"},
      {"missing experiment file", [](const fs::path& d) { return tool("lacos-exp", test::quoted(d / "nope.yaml")); },
       "config file not found"},
      {"missing model folder",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "model.root=/nowhere model.name=bloom-1b7");
       },
       "huggingface-cli download bigscience/bloom-1b7"},
      {"missing data file",
       [](const fs::path& d) {
         write_experiment(d);
         return exp(d, "data.pairs=[gone.tsv]");
       },
       "gone.tsv not found"},
      {"empty training file",
       [](const fs::path& d) {
         write_experiment(d);
         test::write_bytes(d / "data" / "pairs.tsv", "");
         return exp(d, "");
       },
       "pairs.tsv"},
      {"empty eval file",
       [](const fs::path& d) {
         write_experiment(d);
         test::write_bytes(d / "data" / "sts.tsv", "");
         return exp(d, "");
       },
       "sts.tsv"},
      {"non-UTF-8 text",
       [](const fs::path& d) {
         write_experiment(d);
         test::write_bytes(d / "data" / "sts.tsv", "A \xff\xfe cat.\tA cat.\t4.0\nB.\tC.\t1.0\n");
         return exp(d, "");
       },
       "UTF-8"},
      {"shard missing",
       [](const fs::path& d) {
         write_experiment(d);
         fs::create_directories(d / "models");
         fs::copy(test::fixture("tiny-bloom-b"), d / "models" / "tiny-bloom-b", fs::copy_options::recursive);
         for (const auto& e : fs::directory_iterator(d / "models" / "tiny-bloom-b"))
           if (e.path().filename().string().find("-00002-of-") != std::string::npos) fs::remove(e.path());
         return exp(d, fmt::format("model.root={} model.name=tiny-bloom-b", (d / "models").string()));
       },
       "shard"},
      {"truncated checkpoint",
       [](const fs::path& d) {
         write_experiment(d);
         test::run_command(exp(d, ""));  // a completed run with checkpoints
         fs::create_directories(d / "out" / "run");
         test::write_bytes(d / "out" / "run" / "run.h5", "torn");
         for (const auto& e : fs::directory_iterator(d / "out" / "run"))
           if (e.path().filename().string().rfind("checkpoint-0", 0) == 0) fs::resize_file(e.path(), 200);
         return exp(d, "");
       },
       "not a readable HDF5 checkpoint"},
      {"another configuration in the folder",
       [](const fs::path& d) {
         write_experiment(d);
         test::run_command(exp(d, "train.steps=1"));
         return exp(d, "train.steps=2");
       },
       "holds a run with another configuration", true},
      {"resume of a folder without runs",
       [](const fs::path& d) {
         fs::create_directories(d / "empty");
         return tool("lacos-exp", "--resume " + test::quoted(d / "empty"));
       },
       "neither a run folder"},
      {"adapter of another base",
       [](const fs::path& d) {
         write_experiment(d);
         test::write_bytes(d / "one.tsv", "A cat.\tA cat sits.\t4.0\nA dog.\tRain.\t1.0\n");
         return tool("lacos-eval",
                     fmt::format("--model {} --adapter {} {}", test::quoted(test::fixture("tiny-bloom-b")),
                                 test::quoted(test::fixture("tiny-bloom-a/adapter")), test::quoted(d / "one.tsv")));
       },
       "adapter"},
      {"report of a corrupt run.h5",
       [](const fs::path& d) {
         test::write_bytes(d / "r" / "run.h5", "junk");
         return tool("lacos-report", test::quoted(d / "r") + " --out " + test::quoted(d / "rep"));
       },
       "not an HDF5 file, or damaged"},
      {"prepare-data without datasets",
       [](const fs::path& d) {
         fs::create_directories(d / "nodata");
         return tool("lacos-prepare-data", "--data " + test::quoted(d / "nodata"));
       },
       "sts-dev.csv"},
      {"embed input that is not UTF-8",
       [](const fs::path& d) {
         test::write_bytes(d / "in.txt", "ok\n\xc3\x28 bad\n");
         return tool("lacos-embed",
                     fmt::format("--model {} --input {} --output {}", test::quoted(test::fixture("tiny-bloom-a")),
                                 test::quoted(d / "in.txt"), test::quoted(d / "o.h5")));
       },
       "UTF-8"},
  };
  return cases;
}

class BadInput : public ::testing::TestWithParam<std::size_t> {};

TEST_P(BadInput, OneClearErrorAndNothingClaimsCompleted) {
  const BadCase& bad = catalogue()[GetParam()];
  test::TempDir dir;
  const std::string command = bad.prepare(dir.path());
  const auto result = test::run_command(command);
  EXPECT_NE(result.exit_code, 0) << bad.name << "\n" << result.output;
  std::size_t error_lines = 0;
  std::string error_line;
  std::size_t start = 0;
  while (start < result.output.size()) {
    const std::size_t end = result.output.find('\n', start);
    const std::string line = result.output.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.find(": error: ") != std::string::npos) {
      ++error_lines;
      error_line = line;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  EXPECT_EQ(error_lines, 1u) << bad.name << "\n" << result.output;
  EXPECT_NE(error_line.find(bad.expected), std::string::npos) << bad.name << ": " << result.output;
  if (fs::exists(dir / "out") && !bad.earlier_run_completed) {
    for (const auto& entry : fs::recursive_directory_iterator(dir / "out")) {
      if (entry.path().filename() != "run.h5") continue;
      try {
        const auto summary = read_h5_attributes(entry.path(), "/summary");
        EXPECT_NE(std::get<std::string>(summary.at("status")), "completed") << bad.name << ": " << entry.path();
      } catch (const Error&) {  // unreadable: claims nothing
      }
    }
  }
}

// One test per catalogue entry, however many there are, named after it ("typo in an override"
// -> typo_in_an_override).
std::vector<std::size_t> catalogue_indices() {
  std::vector<std::size_t> indices(catalogue().size());
  for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = i;
  return indices;
}

std::string case_name(const ::testing::TestParamInfo<std::size_t>& info) {
  std::string name = catalogue()[info.param].name;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BadInput, ::testing::ValuesIn(catalogue_indices()), case_name);

// Where the machine lets a test mount a tmpfs: a full disk and a read-only output folder.
class FilesystemLimits : public ::testing::Test {
 protected:
  bool mount_tmpfs(const fs::path& where, const char* options) {
    fs::create_directories(where);
    if (::mount("tmpfs", where.c_str(), "tmpfs", 0, options) != 0) return false;
    mounted_.push_back(where);
    return true;
  }
  void TearDown() override {
    for (const auto& where : mounted_) ::umount(where.c_str());
  }
  std::vector<fs::path> mounted_;
  test::TempDir dir_;
};

TEST_F(FilesystemLimits, FullDiskAndReadOnlyFolder) {
  write_experiment(dir_.path());
  if (!mount_tmpfs(dir_ / "full", "size=24k")) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  const auto full = test::run_command(exp(dir_.path(), "experiment.output_dir=" + (dir_ / "full").string()));
  EXPECT_EQ(full.exit_code, 1) << full.output;
  EXPECT_NE(full.output.find(": error: "), std::string::npos) << full.output;
  EXPECT_TRUE(full.output.find("disk full") != std::string::npos || full.output.find("No space") != std::string::npos ||
              full.output.find("write failed") != std::string::npos)
      << full.output;
  ASSERT_TRUE(mount_tmpfs(dir_ / "ro", "ro,size=64k"));
  const auto read_only =
      test::run_command(exp(dir_.path(), "experiment.output_dir=" + (dir_ / "ro" / "sweep").string()));
  EXPECT_NE(read_only.exit_code, 0) << read_only.output;
  EXPECT_NE(read_only.output.find(": error: "), std::string::npos) << read_only.output;
  EXPECT_NE(read_only.output.find("Read-only file system"), std::string::npos) << read_only.output;
}

// A disk that fills in the middle of a run (its run.h5 is ~110 kB, each checkpoint ~65 kB): the
// run ends with one error and exit status 1, never a crash, and its run.h5 stays readable and
// says `failed` with the reason (the disk reserve beside run.h5 makes room for that last write).
TEST_F(FilesystemLimits, DiskFullMidRunIsRecordedAsFailed) {
  write_experiment(dir_.path());
  int recorded = 0;
  for (const int kilobytes : {500, 600, 700, 800, 900}) {
    const fs::path disk = dir_ / fmt::format("disk{}", kilobytes);
    if (!mount_tmpfs(disk, fmt::format("size={}k", kilobytes).c_str())) GTEST_SKIP() << "cannot mount a tmpfs here";
    const auto result = test::run_command(exp(dir_.path(), "experiment.output_dir=" + disk.string()));
    if (result.exit_code == 0) continue;  // it all fitted
    EXPECT_EQ(result.exit_code, 1) << kilobytes << " kB\n" << result.output;
    const fs::path run_h5 = disk / "run" / "run.h5";
    if (!fs::exists(run_h5)) continue;  // full before the first record
    const auto summary = read_h5_attributes(run_h5, "/summary");
    EXPECT_EQ(std::get<std::string>(summary.at("status")), "failed") << kilobytes << " kB";
    const std::string error = std::get<std::string>(summary.at("error"));
    EXPECT_TRUE(error.find("disk full") != std::string::npos || error.find("No space") != std::string::npos)
        << kilobytes << " kB: " << error;
    ++recorded;
  }
  EXPECT_GT(recorded, 0) << "no size made the disk fill mid-run";
}

}  // namespace
}  // namespace lacos

// lacos-exp under `mpirun -n 2` (oversubscribed on CI's two cores): the same run as one rank,
// written by rank 0 alone; ranks that resolve another configuration are refused; a rank killed
// mid-run ends the job within a bounded time with run.h5 marked; and the run continues on
// another number of ranks.
#include "distributed/nccl_communicator.h"
#include "io/h5_file.h"
#include "io/run_h5.h"
#include "io/torch_safetensors.h"
#include "test_support.h"

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <sstream>

namespace lacos {
namespace {

namespace fs = std::filesystem;

// The pid of the process whose environment holds both `a` and `b`, or 0.
pid_t process_with_environment(const std::string& a, const std::string& b) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "environ", std::ios::binary);
    const std::string environment((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string padded = std::string(1, '\0') + environment;
    if (padded.find('\0' + a + '\0') != std::string::npos && padded.find('\0' + b + '\0') != std::string::npos) {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return 0;
}

// Waits up to `max_seconds` for the background job `pid` to end, then kills it; its wait status.
int wait_or_kill(pid_t pid, int max_seconds) {
  int status = 0;
  pid_t waited = 0;
  for (int i = 0; i < max_seconds * 100 && waited == 0; ++i) {
    waited = ::waitpid(pid, &status, WNOHANG);
    if (waited == 0) ::usleep(10000);
  }
  if (waited == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  return status;
}

std::string summary_string(const fs::path& h5, const char* key) {
  return std::get<std::string>(read_h5_attributes(h5, "/summary").at(key));
}
std::int64_t summary_int(const fs::path& h5, const char* key) {
  return std::get<std::int64_t>(read_h5_attributes(h5, "/summary").at(key));
}

class DistributedRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_cat_experiment_inputs(dir_.path());
    test::write_bytes(
        dir_ / "exp.yaml",
        fmt::format("defaults:\n  - model: a\n  - _self_\n"
                    "experiment: {{progress: false, threads: 1}}\n"
                    "model: {{base_weights: int8}}\n"
                    "data: {{root: {}, pairs: [pairs.tsv], shuffle: true}}\n"
                    "train: {{steps: 12, batch_size: 8, max_length: 16, eval_every: 6, checkpoint_every: 5}}\n"
                    "optim: {{name: adamw8bit, min_8bit_size: 0}}\n"
                    "lora: {{r: 2}}\n"
                    "dist: {{check_every: 3}}\n"
                    "eval: {{sets: [sts.tsv]}}\n",
                    (dir_ / "data").string()));
  }
  std::string exp(int ranks, const std::string& arguments) const {
    const std::string program =
        fmt::format("{} {} {}", test::quoted(test::bin("lacos-exp")), test::quoted(dir_ / "exp.yaml"), arguments);
    if (ranks == 0) return program;
    return fmt::format(
        "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_odls_base_sigkill_timeout=10 "
        "mpirun -n {} --oversubscribe --bind-to none {}",
        ranks, program);
  }
  // Starts a long 2-rank run, sends mpirun SIGTERM after checkpoint 10 and expects `interrupted`
  // with a checkpoint at the step the ranks stopped on.
  void expect_sigterm_to_mpirun_interrupts(const std::string& arguments) const;
  test::TempDir dir_;
};

TEST_F(DistributedRunTest, TwoRanksTrainLikeOneAndOnlyRankZeroWrites) {
  // Every step logs (train.log_every=1), so the two runs' losses compare step by step.
  const auto one =
      test::run_command(exp(0, fmt::format("experiment.output_dir={} train.log_every=1", (dir_ / "one").string())));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto two =
      test::run_command(exp(2, fmt::format("experiment.output_dir={} train.log_every=1", (dir_ / "two").string())));
  ASSERT_EQ(two.exit_code, 0) << two.output;
  const fs::path a = dir_ / "one" / "run" / "run.h5", b = dir_ / "two" / "run" / "run.h5";
  EXPECT_EQ(summary_string(b, "status"), "completed");
  EXPECT_EQ(summary_int(b, "world_size"), 2);
  EXPECT_EQ(summary_string(b, "dist_backend"), "mpi");
  EXPECT_EQ(summary_int(a, "world_size"), 1);
  EXPECT_EQ(summary_string(a, "dist_backend"), "none");
  // Global in-batch negatives: the 2 x 4 run is the 1 x 8 run, up to float summation order.
  const auto loss_one = read_h5_doubles(a, "/train/loss"), loss_two = read_h5_doubles(b, "/train/loss");
  ASSERT_EQ(loss_one.size(), 12u);
  ASSERT_EQ(loss_two.size(), 12u);
  for (std::size_t i = 0; i < loss_one.size(); ++i) EXPECT_NEAR(loss_two[i], loss_one[i], 1e-4) << "step " << i;
  const auto score_one = read_h5_doubles(a, "/eval/sts/spearman"), score_two = read_h5_doubles(b, "/eval/sts/spearman");
  ASSERT_EQ(score_two.size(), 2u);
  for (std::size_t i = 0; i < score_one.size(); ++i) EXPECT_NEAR(score_two[i], score_one[i], 1e-6);
  // One writer: one log header, one summary table.
  const std::string log = test::read_bytes(dir_ / "two" / "run" / "run.log");
  EXPECT_EQ(log.find("== run"), log.rfind("== run")) << log;
  const std::string header = "Spearman x100";
  EXPECT_EQ(two.output.find(header), two.output.rfind(header)) << two.output;
  EXPECT_NE(two.output.find("2 rank(s)"), std::string::npos) << two.output;
}

TEST_F(DistributedRunTest, RanksWithAnotherConfigurationAreRefused) {
  const auto result =
      test::run_command(exp(2,
                            fmt::format("experiment.output_dir={} 'experiment.seed=${{env:OMPI_COMM_WORLD_RANK}}'",
                                        (dir_ / "out").string())));
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("resolved configuration differs between ranks"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("seed: 0' on rank 0 but '  seed: 1' on rank 1"), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "run" / "run.h5"));
}

TEST_F(DistributedRunTest, KilledRankEndsTheJobAndTheRunContinuesOnOneRank) {
  const std::string out = (dir_ / "killed").string();
  const std::string marker = "LACOS_TEST_MARKER=" + dir_.path().filename().string();
  // Long enough to be killed mid-run.
  const pid_t pid = test::start_in_background("exec env " + marker + " " +
                                              exp(2, fmt::format("experiment.output_dir={} train.steps=400", out)) +
                                              " >" + (dir_ / "mpirun.log").string() + " 2>&1");
  const fs::path run = fs::path(out) / "run";
  for (int i = 0; i < 12000 && !fs::exists(run / "checkpoint-00000010.h5"); ++i) ::usleep(10000);
  ASSERT_TRUE(fs::exists(run / "checkpoint-00000010.h5")) << test::read_bytes(dir_ / "mpirun.log");
  const pid_t rank1 = process_with_environment("OMPI_COMM_WORLD_RANK=1", marker);
  ASSERT_GT(rank1, 0) << "rank 1 not found";
  const auto killed = std::chrono::steady_clock::now();
  ::kill(rank1, SIGKILL);
  const int status = wait_or_kill(pid, /*max_seconds=*/90);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  const std::string log = test::read_bytes(dir_ / "mpirun.log");
  EXPECT_LT(seconds, 60.0) << log;
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
  const fs::path h5 = run / "run.h5";
  const std::string state = summary_string(h5, "status");
  EXPECT_TRUE(state == "failed" || state == "interrupted") << state << "\n" << log;
  if (state == "failed") EXPECT_NE(summary_string(h5, "error").find("rank 0"), std::string::npos);
  // The same run continues on one rank from its last checkpoint and completes.
  const auto resumed =
      test::run_command(fmt::format("{} --resume {}", test::quoted(test::bin("lacos-exp")), test::quoted(run)));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(summary_string(h5, "status"), "completed");
  EXPECT_EQ(summary_int(h5, "world_size"), 1);
  EXPECT_GE(summary_int(h5, "resumed_from_step"), 10);
  EXPECT_EQ(read_h5_doubles(h5, "/train/step").back(), 399);
}

// mpirun passes its SIGTERM on to the ranks (after a few seconds of its own) and sends SIGKILL
// after the sigkill timeout (10 s here, as the launch scripts set it): the ranks agree on a step,
// checkpoint it and mark the run `interrupted`. The run is long enough not to finish first.
void DistributedRunTest::expect_sigterm_to_mpirun_interrupts(const std::string& arguments) const {
  const std::string out = (dir_ / "stopped").string();
  const pid_t pid =
      test::start_in_background("exec env OMPI_MCA_odls_base_sigkill_timeout=10 " +
                                exp(2, fmt::format("experiment.output_dir={} train.steps=100000 {}", out, arguments)) +
                                " >" + (dir_ / "mpirun.log").string() + " 2>&1");
  const fs::path run = fs::path(out) / "run";
  for (int i = 0; i < 12000 && !fs::exists(run / "checkpoint-00000010.h5"); ++i) ::usleep(10000);
  ::kill(pid, SIGTERM);  // `exec env ... mpirun`: the child is mpirun itself
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string log = test::read_bytes(dir_ / "mpirun.log");
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
  ASSERT_EQ(summary_string(run / "run.h5", "status"), "interrupted") << log;
  const std::string run_log = test::read_bytes(run / "run.log");
  const std::string marker = "interrupted by signal 15 after ";
  const std::size_t at = run_log.find(marker);
  ASSERT_NE(at, std::string::npos) << run_log;
  const long steps = std::stol(run_log.substr(at + marker.size()));
  EXPECT_TRUE(fs::exists(run / fmt::format("checkpoint-{:08d}.h5", steps))) << "no checkpoint at step " << steps;
  EXPECT_EQ(read_h5_doubles(run / "run.h5", "/checkpoints/step").back(), steps);
}

TEST_F(DistributedRunTest, SigtermToMpirunCheckpointsOnAStepAllRanksAgreeOn) {
  expect_sigterm_to_mpirun_interrupts("");
}

// The same when the signal lands in an evaluation or a checkpoint, where one rank may wait in a
// collective for the other to finish (a 0.2 s stop grace once turned these into `failed`): here
// the ranks evaluate 3,000 pairs every 2 steps and checkpoint every step, about 90% of the run's
// time (measured: 0.3 s of training in a 2.4 s, 20-step run).
TEST_F(DistributedRunTest, SigtermDuringEvaluationsAndCheckpointsEndsInterrupted) {
  std::string pairs;
  for (int i = 0; i < 3000; ++i)
    pairs += fmt::format("Sentence {} about a cat.\tA line on dogs, {}.\t{}\n", i, (i * 7) % 13, i % 6);
  test::write_bytes(dir_ / "data" / "large-sts.tsv", pairs);
  expect_sigterm_to_mpirun_interrupts("train.eval_every=2 train.checkpoint_every=1 'eval.sets=[large-sts.tsv]'");
}

TEST_F(DistributedRunTest, LaunchScriptsRunOnCpuRanks) {
  const fs::path launch = fs::path(LACOS_TEST_FIXTURES).parent_path().parent_path() / "launch";
  const std::string args = fmt::format("{} train.steps=4 train.eval_every=0", test::quoted(dir_ / "exp.yaml"));
  const auto node =
      test::run_command(fmt::format("RANKS=2 {} {} experiment.output_dir={}", test::quoted(launch / "train-node.sh"),
                                    args, (dir_ / "node").string()));
  ASSERT_EQ(node.exit_code, 0) << node.output;
  EXPECT_EQ(summary_int(dir_ / "node" / "run" / "run.h5", "world_size"), 2);
  test::write_bytes(dir_ / "hosts", "# this machine twice\nlocalhost slots=2\n");
  const auto hostfile = test::run_command(
      fmt::format("RANKS_PER_NODE=2 {} {} {} experiment.output_dir={}", test::quoted(launch / "train-hostfile.sh"),
                  test::quoted(dir_ / "hosts"), args, (dir_ / "hostfile").string()));
  ASSERT_EQ(hostfile.exit_code, 0) << hostfile.output;
  EXPECT_EQ(summary_int(dir_ / "hostfile" / "run" / "run.h5", "world_size"), 2);
  EXPECT_EQ(test::run_command("bash -n " + test::quoted(launch / "slurm.sbatch")).exit_code, 0);
}

TEST_F(DistributedRunTest, NcclIsCompiledWhereCudaIsAndNeedsACudaModel) {
  // These machines carry CUDA's nccl.h without a GPU: the backend must still be built (and so
  // compile-checked) there.
  if (fs::exists("/usr/local/cuda/include/nccl.h")) {
    EXPECT_TRUE(nccl_compiled_in());
  }
  const auto result =
      test::run_command(exp(0, fmt::format("experiment.output_dir={} dist.backend=nccl", (dir_ / "out").string())));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find(nccl_compiled_in() ? "dist.backend=nccl needs the model on a CUDA device"
                                                  : "this build has no NCCL backend"),
            std::string::npos)
      << result.output;
}

// Faults on a real network: two "hosts" on this machine (launch/netns-hosts.sh), network
// namespaces joined by a veth pair, Open MPI over TCP between them, its launcher entering the
// other namespace (launch/netns-rsh.sh) instead of ssh, with the keepalives of launch/dist-env.sh
// and Open MPI's default 1 s between SIGTERM and SIGKILL. A cut link and a stopped rank each end
// the job within dist.timeout_s + 30 s, run.h5 `failed` naming the peer; --resume then completes
// the run with the adapter an uninterrupted run ends with.
class NetworkFaultTest : public DistributedRunTest {
 protected:
  void SetUp() override {
    DistributedRunTest::SetUp();
    name_ = fmt::format("lacos{}", ::getpid());
    const auto up = test::run_command(script("netns-hosts.sh") + " up " + name_);
    if (up.exit_code != 0) GTEST_SKIP() << "cannot create network namespaces here (needs root): " << up.output;
    std::istringstream addresses(up.output);
    std::string a, b;
    addresses >> a >> b >> subnet_;
    test::write_bytes(dir_ / "hosts", a + " slots=1\n" + b + " slots=1\n");
  }
  void TearDown() override { test::run_command(script("netns-hosts.sh") + " down " + name_); }

  std::string script(const char* name) const {
    return test::quoted(fs::path(LACOS_TEST_FIXTURES).parent_path().parent_path() / "launch" / name);
  }
  // The job, started from the first namespace: rank 0 there, rank 1 in the other.
  std::string job(const fs::path& out) const {
    return fmt::format(
        "exec ip netns exec {}-a env LACOS_TEST_MARKER={} OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
        "OMPI_MCA_oob_tcp_keepalive_time=10 OMPI_MCA_oob_tcp_keepalive_intvl=5 "
        "OMPI_MCA_oob_tcp_keepalive_probes=4 mpirun -n 2 -x LACOS_TEST_MARKER --hostfile {} --mca plm_rsh_agent {} "
        "--mca btl tcp,self "
        "--mca btl_tcp_if_include {} --mca oob_tcp_if_include {} {} {} experiment.output_dir={} train.steps=60 "
        "train.eval_every=0 dist.timeout_s={} >{} 2>&1",
        name_, name_, test::quoted(dir_ / "hosts"), script("netns-rsh.sh"), subnet_, subnet_,
        test::quoted(test::bin("lacos-exp")), test::quoted(dir_ / "exp.yaml"), out.string(), kTimeout,
        test::quoted(out.string() + ".log"));
  }
  // Starts the job, waits for its 10th checkpoint, applies `fault`, and returns the seconds from
  // the fault to the job's end.
  double faulted_run(const fs::path& out, const std::function<void()>& fault) {
    const pid_t pid = test::start_in_background(job(out));
    for (int i = 0; i < 6000 && !fs::exists(out / "run" / "checkpoint-00000010.h5"); ++i) ::usleep(10000);
    EXPECT_TRUE(fs::exists(out / "run" / "checkpoint-00000010.h5")) << test::read_bytes(out.string() + ".log");
    fault();
    const auto start = std::chrono::steady_clock::now();
    const int status = wait_or_kill(pid, /*max_seconds=*/120);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << test::read_bytes(out.string() + ".log");
    return seconds;
  }
  void expect_failed_then_resumed(const fs::path& out, const torch::Tensor& reference) {
    const fs::path h5 = out / "run" / "run.h5";
    ASSERT_EQ(summary_string(h5, "status"), "failed") << test::read_bytes(out.string() + ".log");
    EXPECT_NE(summary_string(h5, "error").find("rank 1"), std::string::npos) << summary_string(h5, "error");
    const auto resumed = test::run_command(
        fmt::format("{} --resume {}", test::quoted(test::bin("lacos-exp")), test::quoted(out / "run")));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_EQ(summary_string(h5, "status"), "completed");
    EXPECT_LT((adapter(out) - reference).abs().max().item<double>(), 1e-4);
  }
  static torch::Tensor adapter(const fs::path& out) {
    std::vector<torch::Tensor> flat;
    for (const auto& [name, tensor] : load_safetensors(out / "run" / "adapter" / "adapter_model.safetensors"))
      flat.push_back(tensor.flatten());
    return torch::cat(flat);
  }
  // Longer than the ~30 s mpirun's keepalives (10 s idle + 4 x 5 s) take to notice a lost node:
  // mpirun then stops the job itself. lacos's own timeout, firing first, would have rank 0 abort
  // through a link that is down, and mpirun would wait for TCP to give up (~15 minutes).
  static constexpr int kTimeout = 40;
  std::string name_, subnet_;
};

TEST_F(NetworkFaultTest, CutLinkAndStoppedRankFailWithinTheTimeoutAndResumeCompletes) {
  const fs::path reference_out = dir_ / "reference";
  ASSERT_EQ(test::run_command(job(reference_out).substr(5)).exit_code, 0)
      << test::read_bytes(reference_out.string() + ".log");
  const torch::Tensor reference = adapter(reference_out);

  const double cut = faulted_run(dir_ / "cut", [&] { test::run_command(script("netns-hosts.sh") + " cut " + name_); });
  EXPECT_LT(cut, kTimeout + 30.0) << "seconds from the cut to the end of the job";
  expect_failed_then_resumed(dir_ / "cut", reference);

  test::run_command(script("netns-hosts.sh") + " down " + name_);  // a fresh link for the next fault
  test::run_command(script("netns-hosts.sh") + " up " + name_);
  const double stopped = faulted_run(dir_ / "stopped", [&] {
    const pid_t rank1 = process_with_environment("OMPI_COMM_WORLD_RANK=1", "LACOS_TEST_MARKER=" + name_);
    ASSERT_GT(rank1, 0) << "rank 1 not found";
    ::kill(rank1, SIGSTOP);
  });
  EXPECT_LT(stopped, kTimeout + 30.0) << "seconds from SIGSTOP to the end of the job";
  expect_failed_then_resumed(dir_ / "stopped", reference);
  std::printf("network faults: job ended %.1f s after the cut, %.1f s after SIGSTOP (dist.timeout_s = %d)\n", cut,
              stopped, kTimeout);
}

}  // namespace
}  // namespace lacos

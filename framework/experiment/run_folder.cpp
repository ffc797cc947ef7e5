#include "experiment/run_folder.h"

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/path_status.h"

#include <fmt/ranges.h>
#include <sys/file.h>
#include <unistd.h>

#include <fcntl.h>
#include <cerrno>
#include <cstring>

namespace lacos {

namespace fs = std::filesystem;

namespace {

// What an earlier invocation left in this folder, if anything. A run.h5 that cannot be read is
// set aside (its history is lost; the checkpoints still let the run continue).
std::optional<RunRecord> read_previous(const fs::path& folder, const std::string& config_yaml, RunLog& log) {
  const fs::path path = folder / "run.h5";
  if (!path_exists(path)) return std::nullopt;
  RunRecord record;
  try {
    record = read_run_h5(path);
  } catch (const Error& e) {
    log.line(fmt::format("warning: {} is unreadable ({}); moved to run.h5.unreadable", path.string(), e.what()));
    fs::rename(path, folder / "run.h5.unreadable");
    return std::nullopt;
  }
  if (record.config_yaml != config_yaml) {
    fail(
        "{} holds a run with another configuration; resume it with its own settings (lacos-exp --resume {}) or "
        "choose another experiment.output_dir",
        folder.string(), folder.string());
  }
  return record;
}

// What writers killed mid-file left (`<name>.tmp-<pid>-<random>`): with the folder locked, no
// writer of this run is alive, so none of them is in use.
void remove_stale_temporaries(const fs::path& folder) {
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(folder, ignored)) {
    if (is_temp_file_name(entry.path().filename().string())) fs::remove(entry.path(), ignored);
  }
}

}  // namespace

RunLock::RunLock(const fs::path& folder) {
  if (folder.empty()) return;
  const fs::path path = folder / "run.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("{}: cannot create the run's lock file: {}", path.string(), std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    std::string holder = read_file_bytes(path, "lock file");
    ::close(fd_);
    fd_ = -1;
    fail("{}: another lacos-exp (pid {}) is running this run; wait for it to finish or stop it first", folder.string(),
         holder.empty() ? std::string("unknown") : holder);
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) != 0 || ::write(fd_, pid.data(), pid.size()) != static_cast<ssize_t>(pid.size())) {
    // The pid only helps the message above; the lock itself holds.
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

RunFolder::RunFolder(const RunJob& job, Communicator& communicator)
    : folder_(job.folder),
      writer_(communicator.rank() == 0),
      lock_(writer_ ? (fs::create_directories(job.folder), job.folder) : fs::path()),
      log_(writer_ ? job.folder / "run.log" : fs::path()) {
  if (writer_) {
    remove_stale_temporaries(job.folder);
    previous_ = read_previous(job.folder, job.config_yaml, log_);
  }
  const bool done = previous_ && previous_->status() == RunStatus::completed;
  completed_ = communicator.broadcast_text(done ? "1" : "0", /*root=*/0) == "1";
}

void write_run_configuration(const RunJob& job) {
  fs::create_directories(job.folder);
  write_file_bytes(job.folder / "config.yaml", job.config_yaml);
  write_file_bytes(job.folder / "overrides.txt",
                   job.overrides.empty() ? "" : fmt::format("{}\n", fmt::join(job.overrides, "\n")));
}

void RunFolder::write_configuration(const RunJob& job) const {
  if (writer_) write_run_configuration(job);
}

std::optional<TrainingCheckpoint> RunFolder::resume_point(Communicator& communicator,
                                                          const RunCheckpoints& checkpoints) {
  const auto latest = writer_ ? checkpoints.latest(previous_ ? &*previous_ : nullptr) : std::nullopt;
  std::optional<TrainingCheckpoint> resume = load_checkpoint_on_all_ranks(communicator, latest);
  if (resume) log_.line(fmt::format("resuming from {} ({} steps done)", latest->string(), resume->steps_completed));
  return resume;
}

fs::path RunFolder::run_h5() const { return writer_ ? folder_ / "run.h5" : fs::path(); }

}  // namespace lacos

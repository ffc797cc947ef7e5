#include "config/composer.h"

#include "config/config_schema.h"
#include "config/did_you_mean.h"
#include "config/interpolation.h"
#include "core/error.h"
#include "core/path_status.h"

#include <fmt/ranges.h>
#include <algorithm>

namespace lacos {

namespace fs = std::filesystem;

ExperimentComposer::ExperimentComposer(fs::path experiment_file)
    : file_(std::move(experiment_file)), conf_dir_(file_.empty() ? fs::path() : file_.parent_path() / "conf") {
  if (file_.empty()) {  // no file (lacos-train): schema defaults and command-line overrides alone
    body_ = ConfigNode::make_map("command line");
    sweep_ = ConfigNode::make_map("command line");
    return;
  }
  body_ = load_config_file(file_);
  if (!body_.is_map()) fail("{}: an experiment file must be a mapping of settings", body_.origin);
  if (const ConfigNode* defaults = body_.find("defaults")) {
    if (!defaults->is_list())
      fail("{}: 'defaults' must be a list such as [{{model: bloom-560m}}, _self_]", defaults->origin);
    for (const ConfigNode& item : defaults->items) {
      if (item.is_scalar()) {
        defaults_.push_back({"", item.scalar, item.origin});
      } else if (item.is_map() && item.entries.size() == 1 &&
                 (item.entries[0].second.is_scalar() || item.entries[0].second.is_null())) {
        const auto& [group, option] = item.entries[0];
        defaults_.push_back({group, option.is_null() ? "" : option.scalar, option.origin});
      } else {
        fail("{}: each 'defaults' entry is 'group: option', a config name, or _self_", item.origin);
      }
    }
    body_.erase("defaults");
  }
  sweep_ = ConfigNode::make_map(file_.string());
  if (const ConfigNode* sweep = body_.find("sweep")) {
    if (!sweep->is_map())
      fail("{}: 'sweep' must map keys to lists of values, e.g. sweep: {{model: [a, b]}}", sweep->origin);
    sweep_ = *sweep;
    body_.erase("sweep");
  }
}

bool ExperimentComposer::is_group(const std::string& key) const {
  if (key.find('.') != std::string::npos) return false;
  for (const DefaultEntry& entry : defaults_)
    if (entry.group == key) return true;
  return !conf_dir_.empty() && is_folder(conf_dir_ / key);
}

std::vector<std::string> ExperimentComposer::group_options(const std::string& group) const {
  std::vector<std::string> options;
  if (conf_dir_.empty() || !is_folder(conf_dir_ / group)) return options;
  for (const auto& entry : fs::directory_iterator(conf_dir_ / group)) {
    if (entry.path().extension() == ".yaml") options.push_back(entry.path().stem().string());
  }
  std::sort(options.begin(), options.end());
  return options;
}

ConfigNode ExperimentComposer::load_group_option(const DefaultEntry& entry) const {
  // Options and groups are file names inside conf/: "model=../../secrets" must not read (and echo
  // in errors) files elsewhere.
  for (const std::string* name : {&entry.group, &entry.option}) {
    if (name->find('/') != std::string::npos || name->find('\\') != std::string::npos || *name == ".." ||
        *name == "." || (name->empty() && name == &entry.option)) {
      fail("{}: '{}' is not a config name (a file name inside {}/, without '/' or '..')", entry.origin, *name,
           conf_dir_.string());
    }
  }
  const fs::path path =
      entry.group.empty() ? conf_dir_ / (entry.option + ".yaml") : conf_dir_ / entry.group / (entry.option + ".yaml");
  if (is_file(path)) return load_config_file(path);
  if (entry.group.empty()) fail("{}: config '{}' not found (looked for {})", entry.origin, entry.option, path.string());
  const std::vector<std::string> options = group_options(entry.group);
  const std::string known = fmt::format("{}", fmt::join(options, ", "));
  const std::string suggestion = closest_word(entry.option, options);
  fail("{}: '{}' is not an option of group '{}' (looked for {}){}; options: {}", entry.origin, entry.option,
       entry.group, path.string(), suggestion.empty() ? "" : fmt::format("; did you mean '{}'?", suggestion),
       known.empty() ? "none (no such folder)" : known);
}

ComposedConfig ExperimentComposer::compose(const std::vector<ConfigOverride>& overrides, std::time_t now) const {
  // Group choices from the command line change the defaults list before anything loads.
  std::vector<DefaultEntry> defaults = defaults_;
  std::vector<ConfigOverride> value_overrides;
  for (const ConfigOverride& override_ : overrides) {
    if (!is_group(override_.key)) {
      value_overrides.push_back(override_);
      continue;
    }
    auto it =
        std::find_if(defaults.begin(), defaults.end(), [&](const DefaultEntry& e) { return e.group == override_.key; });
    const std::string origin = "command line: " + override_.text;
    if (override_.kind == ConfigOverride::Kind::Delete) {
      if (it == defaults.end()) fail("{}: group '{}' is not in the defaults list", origin, override_.key);
      defaults.erase(it);
    } else if (it != defaults.end()) {
      if (override_.kind == ConfigOverride::Kind::Add)
        fail("{}: group '{}' is already chosen ({}); write {}={}", origin, override_.key, it->option, override_.key,
             override_.value);
      it->option = override_.value;
      it->origin = origin;
    } else {
      // A group the file does not choose: added just before the file's own body.
      auto self =
          std::find_if(defaults.begin(), defaults.end(), [](const DefaultEntry& e) { return e.option == "_self_"; });
      defaults.insert(self, DefaultEntry{override_.key, override_.value, origin});
    }
  }

  ComposedConfig out;
  ConfigNode tree = schema_defaults();
  set_path(tree, "experiment.name", ConfigNode::make_scalar(file_.stem().string(), file_.string() + " (file name)"));
  bool self_merged = false;
  for (const DefaultEntry& entry : defaults) {
    if (entry.group.empty() && entry.option == "_self_") {
      merge_config(tree, body_);
      self_merged = true;
      continue;
    }
    if (!entry.group.empty() && entry.option.empty()) continue;  // `group: null` chooses nothing
    ConfigNode loaded = load_group_option(entry);
    if (entry.group.empty()) {
      merge_config(tree, loaded);
    } else {
      ConfigNode* existing = tree.find(entry.group);
      if (existing != nullptr && existing->is_map()) {
        merge_config(*existing, loaded);
      } else {
        tree.set(entry.group, loaded);
      }
    }
  }
  if (!self_merged) merge_config(tree, body_);

  for (const ConfigOverride& override_ : value_overrides) apply_override(tree, override_);
  // A removed key falls back to its schema default.
  ConfigNode filled = schema_defaults();
  merge_config(filled, tree);
  tree = std::move(filled);

  check_known_keys(tree);
  resolve_interpolations(tree, now);
  check_types(tree);
  out.config = std::move(tree);
  return out;
}

}  // namespace lacos

#include "config/config_node.h"

#include "core/error.h"
#include "core/file_io.h"
#include "core/path_status.h"

#include <yaml-cpp/yaml.h>

namespace lacos {

namespace {

// Aliases (*name) make yaml-cpp share one node in several places, and converting copies it into
// each: nine levels of nine aliases ("billion laughs") would expand to 9^9 nodes. Experiment files
// hold hundreds of values; the budget refuses an expansion long before it costs memory.
constexpr std::size_t kMaxConfigNodes = 100000;

struct NodeBudget {
  std::string file;
  std::size_t left = kMaxConfigNodes;
};

ConfigNode convert(const YAML::Node& node, NodeBudget& budget) {
  const std::string& file = budget.file;
  if (budget.left == 0) {
    fail("{}: more than {} values once YAML aliases are expanded (a recursive or exponential alias?)", file,
         kMaxConfigNodes);
  }
  --budget.left;
  ConfigNode out;
  const YAML::Mark mark = node.Mark();
  out.origin = mark.line >= 0 ? fmt::format("{}:{}", file, mark.line + 1) : file;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      out.kind = ConfigNode::Kind::Scalar;
      out.scalar = node.Scalar();
      out.quoted = node.Tag() == "!";  // yaml-cpp tags quoted scalars "!", plain ones "?"
      break;
    case YAML::NodeType::Sequence:
      out.kind = ConfigNode::Kind::List;
      for (const YAML::Node& item : node) out.items.push_back(convert(item, budget));
      break;
    case YAML::NodeType::Map:
      out.kind = ConfigNode::Kind::Map;
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) fail("{}: map keys must be plain names", out.origin);
        const std::string key = entry.first.Scalar();
        const std::string key_origin = convert(entry.first, budget).origin;
        if (out.find(key) != nullptr) fail("{}: key '{}' appears twice", key_origin, key);
        out.entries.emplace_back(key, convert(entry.second, budget));
        out.entries.back().second.origin = key_origin;
      }
      break;
    default: out.kind = ConfigNode::Kind::Null;
  }
  return out;
}

void emit(const ConfigNode& node, YAML::Emitter& out) {
  switch (node.kind) {
    case ConfigNode::Kind::Null: out << YAML::Null; break;
    case ConfigNode::Kind::Scalar:
      if (node.quoted) out << YAML::DoubleQuoted;
      out << node.scalar;
      break;
    case ConfigNode::Kind::List: {
      const bool flat = [&] {
        for (const auto& item : node.items)
          if (!item.is_scalar()) return false;
        return true;
      }();
      if (flat) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : node.items) emit(item, out);
      out << YAML::EndSeq;
      break;
    }
    case ConfigNode::Kind::Map:
      out << YAML::BeginMap;
      for (const auto& [key, value] : node.entries) {
        out << YAML::Key << key << YAML::Value;
        emit(value, out);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

ConfigNode ConfigNode::make_scalar(std::string text, std::string origin, bool quoted) {
  ConfigNode node;
  node.kind = Kind::Scalar;
  node.scalar = std::move(text);
  node.origin = std::move(origin);
  node.quoted = quoted;
  return node;
}

ConfigNode ConfigNode::make_map(std::string origin) {
  ConfigNode node;
  node.kind = Kind::Map;
  node.origin = std::move(origin);
  return node;
}

const ConfigNode* ConfigNode::find(const std::string& key) const {
  for (const auto& entry : entries)
    if (entry.first == key) return &entry.second;
  return nullptr;
}

ConfigNode* ConfigNode::find(const std::string& key) {
  for (auto& entry : entries)
    if (entry.first == key) return &entry.second;
  return nullptr;
}

ConfigNode& ConfigNode::set(const std::string& key, ConfigNode value) {
  if (kind != Kind::Map) {
    kind = Kind::Map;
    scalar.clear();
    items.clear();
  }
  if (ConfigNode* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  entries.emplace_back(key, std::move(value));
  return entries.back().second;
}

bool ConfigNode::erase(const std::string& key) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->first == key) {
      entries.erase(it);
      return true;
    }
  }
  return false;
}

ConfigNode parse_config_text(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail("{}:{}: not valid YAML: {}", file, e.mark.line + 1, e.msg);
  }
  NodeBudget budget{file};
  ConfigNode out = convert(root, budget);
  if (out.is_null()) out = ConfigNode::make_map(file);  // an empty file is an empty map
  return out;
}

ConfigNode load_config_file(const std::filesystem::path& path) {
  if (!is_file(path)) fail("{}: config file not found", path.string());
  constexpr std::uint64_t kMaxConfigFileBytes = 16 << 20;
  return parse_config_text(read_file_bytes(path, "config file", kMaxConfigFileBytes), path.string());
}

std::string to_yaml(const ConfigNode& node) {
  YAML::Emitter out;
  emit(node, out);
  return std::string(out.c_str()) + "\n";
}

void merge_config(ConfigNode& into, const ConfigNode& from) {
  if (!into.is_map() || !from.is_map()) {
    into = from;
    return;
  }
  for (const auto& [key, value] : from.entries) {
    ConfigNode* existing = into.find(key);
    if (existing != nullptr && existing->is_map() && value.is_map()) {
      merge_config(*existing, value);
    } else {
      into.set(key, value);
    }
  }
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

const ConfigNode* find_path(const ConfigNode& root, const std::string& path) {
  const ConfigNode* node = &root;
  for (const std::string& part : split_path(path)) {
    if (!node->is_map()) return nullptr;
    node = node->find(part);
    if (node == nullptr) return nullptr;
  }
  return node;
}

ConfigNode* find_path(ConfigNode& root, const std::string& path) {
  return const_cast<ConfigNode*>(find_path(static_cast<const ConfigNode&>(root), path));
}

void set_path(ConfigNode& root, const std::string& path, ConfigNode value) {
  const std::vector<std::string> parts = split_path(path);
  ConfigNode* node = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    ConfigNode* child = node->is_map() ? node->find(parts[i]) : nullptr;
    if (child == nullptr || !child->is_map()) child = &node->set(parts[i], ConfigNode::make_map(value.origin));
    node = child;
  }
  node->set(parts.back(), std::move(value));
}

bool erase_path(ConfigNode& root, const std::string& path) {
  const std::size_t dot = path.rfind('.');
  ConfigNode* parent = dot == std::string::npos ? &root : find_path(root, path.substr(0, dot));
  if (parent == nullptr || !parent->is_map()) return false;
  return parent->erase(dot == std::string::npos ? path : path.substr(dot + 1));
}

namespace {
void collect_leaves(const ConfigNode& node, const std::string& prefix, std::vector<std::string>& out) {
  if (!node.is_map() || (node.entries.empty() && !prefix.empty())) {
    if (!prefix.empty()) out.push_back(prefix);
    return;
  }
  for (const auto& [key, value] : node.entries) collect_leaves(value, prefix.empty() ? key : prefix + "." + key, out);
}
}  // namespace

std::vector<std::string> leaf_paths(const ConfigNode& root) {
  std::vector<std::string> out;
  collect_leaves(root, "", out);
  return out;
}

}  // namespace lacos

// The configuration tree lacos-exp composes: maps keep their file order, every node remembers
// where it came from ("file:line"), so any later error (an unknown key, a wrong type, a missing
// `???` value) can point at the line that set it. yaml-cpp's own nodes are references that alias
// on assignment and grow entries on lookup; this plain value tree has neither surprise.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lacos {

struct ConfigNode {
  enum class Kind { Null, Scalar, List, Map };

  Kind kind = Kind::Null;
  std::string scalar;                                       // the text of a scalar, as written
  bool quoted = false;                                      // written in quotes: a string, never a number or a boolean
  std::vector<ConfigNode> items;                            // Kind::List
  std::vector<std::pair<std::string, ConfigNode>> entries;  // Kind::Map, in file order
  std::string origin;                                       // "file:line" or "command line: a.b=1"

  static ConfigNode make_scalar(std::string text, std::string origin, bool quoted = false);
  static ConfigNode make_map(std::string origin);

  bool is_map() const { return kind == Kind::Map; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_list() const { return kind == Kind::List; }
  bool is_null() const { return kind == Kind::Null; }

  const ConfigNode* find(const std::string& key) const;
  ConfigNode* find(const std::string& key);
  // Inserts `key` at the end or replaces its value in place.
  ConfigNode& set(const std::string& key, ConfigNode value);
  bool erase(const std::string& key);
};

// Parses YAML text; a syntax error names the file and line.
ConfigNode parse_config_text(const std::string& text, const std::string& file);
ConfigNode load_config_file(const std::filesystem::path& path);
std::string to_yaml(const ConfigNode& node);

// Maps merge key by key (recursively); anything else is replaced by `from`.
void merge_config(ConfigNode& into, const ConfigNode& from);

// Dotted paths: "optim.lr". Lookups never create anything.
const ConfigNode* find_path(const ConfigNode& root, const std::string& path);
ConfigNode* find_path(ConfigNode& root, const std::string& path);
// Sets `path`, creating intermediate maps.
void set_path(ConfigNode& root, const std::string& path, ConfigNode value);
bool erase_path(ConfigNode& root, const std::string& path);
// Every leaf (scalar, list or null) as a dotted path, depth first, in file order.
std::vector<std::string> leaf_paths(const ConfigNode& root);

std::vector<std::string> split_path(const std::string& path);

}  // namespace lacos

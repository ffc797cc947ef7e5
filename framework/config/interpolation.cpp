#include "config/interpolation.h"

#include "config/did_you_mean.h"
#include "core/error.h"

#include <cstdlib>
#include <set>

namespace lacos {

namespace {

struct Resolver {
  ConfigNode& root;
  std::time_t now;
  std::vector<std::string> resolving;  // the chain of keys being resolved, for cycle errors

  std::string builtin(const std::string& body, const std::string& where) {
    if (body.rfind("env:", 0) == 0) {
      const std::string spec = body.substr(4);
      const std::size_t comma = spec.find(',');
      const std::string name = spec.substr(0, comma);
      const char* value = std::getenv(name.c_str());
      if (value != nullptr && *value != '\0') return value;
      if (comma != std::string::npos) return spec.substr(comma + 1);
      fail("{}: environment variable {} is not set and ${{env:{}}} gives no default (write ${{env:{},default}})", where,
           name, name, name);
    }
    if (body.rfind("now:", 0) == 0) {
      std::tm local{};
      localtime_r(&now, &local);
      char text[128];
      const std::size_t length = std::strftime(text, sizeof(text), body.substr(4).c_str(), &local);
      return std::string(text, length);
    }
    fail("{}: unknown resolver in ${{{}}} (known: env:, now:, or a key path such as ${{optim.lr}})", where, body);
  }

  const ConfigNode& reference(const std::string& path, const std::string& where) {
    ConfigNode* target = find_path(root, path);
    if (target == nullptr) {
      const std::string suggestion = closest_word(path, leaf_paths(root));
      fail("{}: ${{{}}} refers to a key that does not exist{}", where, path,
           suggestion.empty() ? "" : fmt::format("; did you mean ${{{}}}?", suggestion));
    }
    for (const std::string& key : resolving) {
      if (key == path) {
        std::string chain;
        for (const std::string& k : resolving) chain += k + " -> ";
        fail("{}: interpolation cycle: {}{}", where, chain, path);
      }
    }
    resolving.push_back(path);
    resolve(*target, path);
    resolving.pop_back();
    return *target;
  }

  // Returns the text with every ${...} replaced; `whole` receives the node when the text is
  // exactly one key reference.
  std::string expand(const std::string& text, const std::string& where, const ConfigNode** whole) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t open = text.find("${", pos);
      if (open == std::string::npos) break;
      if (open > 0 && text[open - 1] == '\\') {
        out += text.substr(pos, open - 1 - pos) + "${";
        pos = open + 2;
        continue;
      }
      const std::size_t close = text.find('}', open);
      if (close == std::string::npos) fail("{}: unterminated '${{' in '{}'", where, text);
      out += text.substr(pos, open - pos);
      const std::string body = text.substr(open + 2, close - open - 2);
      if (body.find(':') != std::string::npos) {
        out += builtin(body, where);
      } else {
        const ConfigNode& value = reference(body, where);
        if (open == 0 && close + 1 == text.size() && whole != nullptr) {
          *whole = &value;
          return {};
        }
        if (!value.is_scalar()) fail("{}: ${{{}}} is a map or list and cannot be part of a string", where, body);
        out += value.scalar;
      }
      pos = close + 1;
    }
    return out + text.substr(pos);
  }

  void resolve(ConfigNode& node, const std::string& path) {
    if (node.is_map()) {
      for (auto& [key, value] : node.entries) resolve(value, path.empty() ? key : path + "." + key);
    } else if (node.is_list()) {
      for (std::size_t i = 0; i < node.items.size(); ++i) resolve(node.items[i], fmt::format("{}[{}]", path, i));
    } else if (node.is_scalar() && node.scalar.find("${") != std::string::npos) {
      const std::string where = fmt::format("{}: key '{}'", node.origin, path);
      const ConfigNode* whole = nullptr;
      std::string text = expand(node.scalar, where, &whole);
      if (whole != nullptr) {
        const std::string origin = node.origin;
        node = *whole;
        node.origin = origin;
      } else {
        node.scalar = std::move(text);
        node.quoted = false;
      }
    }
  }
};

}  // namespace

void resolve_interpolations(ConfigNode& root, std::time_t now) {
  Resolver resolver{root, now, {}};
  resolver.resolve(root, "");
}

}  // namespace lacos

#include "io/h5_record.h"

#include "core/error.h"
#include "io/h5_atomic_file.h"

namespace lacos {

namespace fs = std::filesystem;

struct H5Record::State {
  explicit State(const fs::path& path) : output(path) {}
  H5AtomicFile output;
};

namespace {

H5::Group open_or_create(H5::H5File& file, const std::string& group) {
  if (group.empty() || group == "/") return file.openGroup("/");
  std::string path;
  std::size_t start = 1;
  while (start <= group.size()) {
    std::size_t slash = group.find('/', start);
    if (slash == std::string::npos) slash = group.size();
    path += "/" + group.substr(start, slash - start);
    if (!file.exists(path)) file.createGroup(path);
    start = slash + 1;
  }
  return file.openGroup(group);
}

}  // namespace

H5Record::H5Record(const fs::path& path) : state_(std::make_unique<State>(path)) {}

H5Record::~H5Record() = default;

void H5Record::set(const std::string& group, const std::string& key, const H5Scalar& value) {
  try {
    H5::Group target = open_or_create(state_->output.file(), group);
    if (target.attrExists(key)) target.removeAttr(key);
    const H5::DataSpace scalar(H5S_SCALAR);
    if (const auto* number = std::get_if<double>(&value)) {
      target.createAttribute(key, H5::PredType::NATIVE_DOUBLE, scalar).write(H5::PredType::NATIVE_DOUBLE, number);
    } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      target.createAttribute(key, H5::PredType::NATIVE_INT64, scalar).write(H5::PredType::NATIVE_INT64, integer);
    } else {
      const H5::StrType text(H5::PredType::C_S1, H5T_VARIABLE);
      target.createAttribute(key, text, scalar).write(text, std::get<std::string>(value));
    }
  } catch (const H5::Exception& e) {
    throw_h5_error(state_->output.path(), "writing " + group + "@" + key, e);
  }
}

void H5Record::commit() { state_->output.commit(); }

std::map<std::string, H5Scalar> read_h5_attributes(const fs::path& path, const std::string& group) {
  H5::Exception::dontPrint();
  std::map<std::string, H5Scalar> out;
  try {
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    H5::Group target = file.openGroup(group);
    for (int i = 0; i < target.getNumAttrs(); ++i) {
      H5::Attribute attribute = target.openAttribute(static_cast<unsigned>(i));
      const std::string name = attribute.getName();
      const H5T_class_t type_class = attribute.getTypeClass();
      if (type_class == H5T_FLOAT) {
        double value = 0;
        attribute.read(H5::PredType::NATIVE_DOUBLE, &value);
        out[name] = value;
      } else if (type_class == H5T_INTEGER) {
        std::int64_t value = 0;
        attribute.read(H5::PredType::NATIVE_INT64, &value);
        out[name] = value;
      } else if (type_class == H5T_STRING) {
        std::string value;
        attribute.read(attribute.getStrType(), value);
        out[name] = value;
      }
    }
  } catch (const H5::Exception& e) {
    throw_h5_error(path, "reading attributes of " + group, e);
  }
  return out;
}

}  // namespace lacos

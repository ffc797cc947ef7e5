#include "io/h5_attributes.h"

#include "core/error.h"
#include "io/h5_atomic_file.h"

namespace lacos {

namespace fs = std::filesystem;

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

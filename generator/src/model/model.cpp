// The few behaviours of the otherwise plain model: DSL type spellings and column lookup.
#include "model/model.hpp"

namespace ormc::model {

const char* type_name(ColumnType type) {
  switch (type) {
    case ColumnType::SmallInteger:
      return "SmallInteger";
    case ColumnType::Integer:
      return "Integer";
    case ColumnType::BigInteger:
      return "BigInteger";
    case ColumnType::Boolean:
      return "Boolean";
    case ColumnType::Float:
      return "Float";
    case ColumnType::Double:
      return "Double";
    case ColumnType::Numeric:
      return "Numeric";
    case ColumnType::String:
      return "String";
    case ColumnType::Text:
      return "Text";
    case ColumnType::Date:
      return "Date";
    case ColumnType::DateTime:
      return "DateTime";
    case ColumnType::Uuid:
      return "Uuid";
    case ColumnType::LargeBinary:
      return "LargeBinary";
  }
  return "?";
}

const Column* Table::find_column(const std::string& attribute) const {
  for (const Column& column : columns) {
    if (column.attribute == attribute) return &column;
  }
  return nullptr;
}

}  // namespace ormc::model

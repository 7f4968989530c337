// Misuse of typed statements that must not compile; CTest builds it once per ORMC_CASE and expects
// the compiler to reject it naming the violated constraint (ORMC_CASE=0 must compile: the control).
#include "statement.orm.hpp"

using stmttest::Author;

void misuse() {
#if ORMC_CASE == 0
  (void)ormc::select<Author>().where(Author::c.name == "Ada", Author::c.rating > 1);
#elif ORMC_CASE == 1
  (void)ormc::select<Author>().where(Author::c.name == 5);  // string column vs int
#elif ORMC_CASE == 2
  (void)ormc::select<Author>().where(Author::c.id < std::string("7"));  // integer column vs string
#elif ORMC_CASE == 3
  (void)ormc::select<Author>().where(Author::c.born == ormc::Timestamp{});  // date vs timestamp
#elif ORMC_CASE == 4
  (void)ormc::update<Author>().values(Author::c.name = 5);  // assigning an int to a string column
#elif ORMC_CASE == 5
  (void)ormc::select<Author>().where(Author::c.id);  // an integer is not a condition
#endif
}

// Must NOT compile: a write-only collection has no way to iterate (checked by the compile_fail tests).
#include "bank.orm.hpp"

int main() {
  auto account = bank::Account::create();
  int n = 0;
#if defined(ORMC_CASE_RANGE_FOR)
  for (auto& t : account->account_transactions()) n += t != nullptr;
#elif defined(ORMC_CASE_SIZE)
  n = static_cast<int>(account->account_transactions().size());
#endif
  return n;
}

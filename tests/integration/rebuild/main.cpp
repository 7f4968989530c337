// The rebuild test's program: uses an entity of the schema and of the schema it imports.
#include "orders.orm.hpp"

int main() { return orders::Order::create()->customer_id() + static_cast<int>(shop::Customer::create()->name().size()); }

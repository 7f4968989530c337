// ormc's entry point: everything happens in the driver library.
#include "driver/compile.hpp"

int main(int argc, char** argv) { return ormc::driver::main_entry(argc, argv); }

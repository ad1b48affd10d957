#include "runner/cli.h"

int main(int argc, char** argv) { return sigipc::cli_main(argc, argv); }

// eventctl: the organisers' command-line client for the events platform.
#include "tools/eventctl/app.h"

int main(int argc, char** argv) { return events::eventctl::RunEventctl(argc, argv); }

#pragma once
// The headless jobs of `fibretrack`, one function per subcommand. Each returns the
// process exit code; errors are thrown as ft::Error and reported by main().
#include <string>
#include <vector>

namespace ft::cli {

using Args = std::vector<std::string>;

int run_simulate(const Args& args);
int run_info(const Args& args);
int run_track(const Args& args);
int run_analyze(const Args& args);
int run_deidentify(const Args& args);
int run_record(const Args& args);
int run_recover(const Args& args);
int run_live(const Args& args);
int run_video_calibrate(const Args& args);
int run_echo(const Args& args);
int run_send(const Args& args);
int run_outbox(const Args& args);
int run_query(const Args& args);
int run_worklist(const Args& args);
int run_retrieve(const Args& args);
int run_studies(const Args& args);
int run_nodes(const Args& args);

}  // namespace ft::cli

// fibretrack: every headless job of FibreTrack as a subcommand.
// FibreTrack is decision support for dynamic musculoskeletal ultrasound, not a
// certified medical device.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

#include "Commands.h"
#include "ft/core/Error.h"
#include "ft/dicom/ToolkitLogging.h"

namespace {

struct Subcommand {
  std::function<int(const ft::cli::Args&)> run;
  const char* usage;
};

const std::map<std::string, Subcommand>& subcommands() {
  static const std::map<std::string, Subcommand> table{
      {"live",
       {ft::cli::run_live,
        "live --source URI [--seconds S] [--until-finding] [--json-stream]\n"
        "      headless live analysis: findings and stats per second, at the end the session's strongest\n"
        "      finding of each place (--until-finding: stop at the first tear)"}},
      {"record",
       {ft::cli::run_record,
        "record --source URI (--frames N | --seconds S) --out CLIP.dcm [--journal DIR]\n"
        "      [--worklist AET@host:port [--accession A]] [--disk-reserve-mb MB (512)] [--max-object-mb MB]\n"
        "      record a live source (sim:PRESET?seed=N&fps=F, file:CLIP.dcm?loop=1), crash-safe; longer than one\n"
        "      object holds (4 GiB, or MB): CLIP-part1.dcm, CLIP-part2.dcm ... of one series"}},
      {"recover", {ft::cli::run_recover, "recover JOURNAL_DIR --out CLIP.dcm [--max-object-mb MB]   rebuild a clip from an interrupted recording"}},
      {"video-calibrate",
       {ft::cli::run_video_calibrate,
        "video-calibrate DEVICE --crop X0,Y0,X1,Y1 --points X1,Y1,X2,Y2 --distance-mm D | --show\n"
        "      crop (first and last pixel) and mm scale of a frame grabber on a scanner's video output, saved per device"}},
      {"simulate",
       {ft::cli::run_simulate,
        "simulate --preset NAME[+CONDITION...] [--seed N] [--frames K] --out CLIP.dcm [--truth TRUTH.json]\n"
        "      [--fps F] [--pitch-mm P] [--frame-size WxH] [--region-origin X,Y] [--probe-drift-mm X,Z]\n"
        "      write a simulated exam (DICOM) and its ground truth; conditions: curved_fascia,\n"
        "      bipennate, speckle_reduction, probe_moved, focused_beam (e.g. real_tear+bipennate+probe_moved)"}},
      {"deidentify",
       {ft::cli::run_deidentify,
        "deidentify IN OUT [--key FILE] [--accept-burned-in] [--patient-id ID]   de-identified copies (file or folder),\n"
        "      named by their new UIDs; pseudonyms keyed with the site key (made once in the settings folder)"}},
      {"echo", {ft::cli::run_echo, "echo NODE   C-ECHO a DICOM node (QIDO-RS for a DICOMweb URL)"}},
      {"send", {ft::cli::run_send, "send FILE|DIR... --to NODE [--outbox DIR]   C-STORE or STOW-RS through the durable outbox"}},
      {"outbox", {ft::cli::run_outbox, "outbox [--retry] [--outbox DIR]   objects waiting to be sent; --retry sends now"}},
      {"query",
       {ft::cli::run_query,
        "query NODE [--patient-id ID] [--patient-name NAME] [--study-date D[-D]] [--accession A] [--json]\n"
        "      studies on a PACS (C-FIND or QIDO-RS), one line each; --study UID lists its series"}},
      {"retrieve",
       {ft::cli::run_retrieve,
        "retrieve NODE STUDY_UID [--store DIR] [--port P]   pull a study into the local study store\n"
        "      (C-MOVE to us on port P when set, else C-GET; WADO-RS for a DICOMweb URL)"}},
      {"studies",
       {ft::cli::run_studies,
        "studies [--store DIR] [--study UID] [--json] | studies FILE|DIR... | --rebuild | --remove UID\n"
        "      the local study store: list studies or one study's series, import, re-index, remove"}},
      {"worklist", {ft::cli::run_worklist, "worklist NODE [--date D[-D]] [--modality US] [--station AET] [--json]   scheduled exams"}},
      {"nodes",
       {ft::cli::run_nodes,
        "nodes [add NAME AET@host:port|URL [--tls] | remove NAME]   the named nodes in the settings file"}},
      {"info", {ft::cli::run_info, "info FILE.dcm | --gpu [--json]   describe a DICOM image or clip, or the GPU"}},
      {"analyze",
       {ft::cli::run_analyze,
        "analyze CLIP.dcm [--json OUT.json] [--dicom-out DIR [--burn-in]] [--explain DIR] [--backend cpu|cuda|auto]\n"
        "      find fibre tears that open under contraction (--dicom-out: SR, presentation state;\n"
        "      --burn-in: also a secondary capture with the findings drawn in; --explain: the evidence\n"
        "      for every candidate as JSON and PNG maps)"}},
      {"track",
       {ft::cli::run_track,
        "track CLIP.dcm [--json OUT.json] [--backend cpu|cuda|auto] [--grid-step PX] [--kernel-mm MM]\n"
        "      [--max-frames N]   frame-to-frame speckle tracking"}},
  };
  return table;
}

void print_usage() {
  std::fprintf(stderr,
               "usage: fibretrack SUBCOMMAND [options]\n"
               "FibreTrack is decision support, not a certified medical device.\n\nsubcommands:\n");
  for (const auto& [name, sub] : subcommands()) std::fprintf(stderr, "  %s\n", sub.usage);
  std::fprintf(stderr,
               "\nNODE: a name from the settings file (see `nodes`), AET@host:port, or a DICOMweb URL.\n"
               "Network options: --settings FILE, --aet OUR_AET, --timeout S, --tls.\n"
               "FIBRETRACK_DEBUG=1 shows the DICOM toolkit's diagnostics without patient data;\n"
               "FIBRETRACK_DEBUG=patient-data also dumps the datasets exchanged (patient data in the log).\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  const auto it = subcommands().find(name);
  if (it == subcommands().end()) {
    std::fprintf(stderr, "fibretrack: unknown subcommand '%s'\n", name.c_str());
    print_usage();
    return 2;
  }
  // One line per error unless FIBRETRACK_DEBUG asks for DCMTK's own diagnostics.
  ft::dicom::configure_toolkit_logging(ft::dicom::toolkit_log_from_environment());
  try {
    return it->second.run(ft::cli::Args(argv + 2, argv + argc));
  } catch (const ft::Error& e) {
    std::fprintf(stderr, "fibretrack %s: error: %s\n", name.c_str(), e.what());
    return e.code() == ft::ErrorCode::InvalidArgument ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fibretrack %s: error: %s\n", name.c_str(), e.what());
    return 1;
  }
}

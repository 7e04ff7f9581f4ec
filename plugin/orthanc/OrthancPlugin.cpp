// FibreTrack as an Orthanc plugin: clips are analysed in the archive on arrival, and their
// SR and presentation state stored beside them for any viewer (docs/archive.md).
//
// Orthanc's C SDK calls back plain functions with no user data, so the plugin's one
// instance lives in this file, made in OrthancPluginInitialize and destroyed in
// OrthancPluginFinalize; nothing else of FibreTrack keeps global state.
#include <orthanc/OrthancCPlugin.h>

#include <unistd.h>

#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "AnalysisWorkers.h"
#include "LazyJobQueue.h"
#include "OrthancArchive.h"
#include "SeriesIntake.h"
#include "SqlJobQueue.h"
#include "ft/core/Error.h"

namespace ft::archive {
namespace {

struct Plugin {
  Plugin(OrthancPluginContext* c, const ArchiveSettings& s)
      : context(c),
        settings(s),
        archive(c),
        queue([s] {  // opened by the first thread that needs it, so a database away does not stop Orthanc
          return std::make_unique<SqlJobQueue>(
              s.postgres_conninfo.empty() ? open_sqlite(s.sqlite_path) : connect_postgres(s.postgres_conninfo),
              QueuePolicy{FT_VERSION, s.lease_s, s.max_attempts});
        }),
        workers(queue, archive, s),
        intake(queue, archive, s, [this] { workers.wake(); }) {}

  OrthancPluginContext* context;
  const ArchiveSettings settings;
  OrthancArchive archive;
  LazyJobQueue queue;
  AnalysisWorkers workers;
  SeriesIntake intake;
  bool started = false;
};

std::unique_ptr<Plugin> the_plugin;

nlohmann::json job_json(const JobRecord& j) {
  nlohmann::json out{{"id", j.id},
                     {"state", to_string(j.state)},
                     {"instance", j.clip.instance_id},
                     {"sop_instance_uid", j.clip.sop_instance_uid},
                     {"study", j.clip.study_id},
                     {"node", j.node},
                     {"attempts", j.attempts},
                     {"queued_at", j.queued_at}};
  if (!j.finished_at.empty()) out["finished_at"] = j.finished_at;
  if (!j.reason.empty()) out["reason"] = j.reason;
  if (!j.result_json.empty()) out["result"] = nlohmann::json::parse(j.result_json, nullptr, false);
  return out;
}

nlohmann::json jobs_json(const std::vector<JobRecord>& jobs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& j : jobs) out.push_back(job_json(j));
  return out;
}

std::string query_value(const OrthancPluginHttpRequest* request, const char* key) {
  for (uint32_t i = 0; i < request->getCount; ++i)
    if (std::string(request->getKeys[i]) == key) return request->getValues[i];
  return "";
}

void answer(OrthancPluginRestOutput* output, const nlohmann::json& body) {
  const std::string text = body.dump(1);
  OrthancPluginAnswerBuffer(the_plugin->context, output, text.data(), uint32_t(text.size()), "application/json");
}

// Every route answers JSON; a failure is logged and reported as Orthanc's error.
template <class Handler>
OrthancPluginErrorCode route(OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request,
                             OrthancPluginHttpMethod method, const char* allowed, Handler handler) {
  if (request->method != method) {
    OrthancPluginSendMethodNotAllowed(the_plugin->context, output, allowed);
    return OrthancPluginErrorCode_Success;
  }
  try {
    answer(output, handler());
    return OrthancPluginErrorCode_Success;
  } catch (const std::exception& e) {
    const auto* error = dynamic_cast<const Error*>(&e);
    if (error && error->code() == ErrorCode::InvalidArgument) {  // the caller's mistake: 400, not logged
      OrthancPluginSendHttpStatus(the_plugin->context, output, 400, e.what(), uint32_t(std::strlen(e.what())));
      return OrthancPluginErrorCode_Success;
    }
    the_plugin->archive.log_error(std::string("FibreTrack REST: ") + e.what());
    return OrthancPluginErrorCode_InternalError;
  }
}

// GET /fibretrack/queue: how many jobs are in each state, and this node.
OrthancPluginErrorCode on_queue(OrthancPluginRestOutput* output, const char*, const OrthancPluginHttpRequest* request) {
  return route(output, request, OrthancPluginHttpMethod_Get, "GET", [] {
    const Plugin& p = *the_plugin;
    return nlohmann::json{{"jobs", the_plugin->queue.counts()},
                          {"node", p.settings.node_name},
                          {"workers", p.settings.workers},
                          {"analysing_here", the_plugin->workers.running()},
                          {"algorithm_version", FT_VERSION},
                          {"coordinator", p.settings.postgres_conninfo.empty() ? "sqlite" : "postgresql"}};
  });
}

// GET /fibretrack/jobs[?state=failed&limit=100]: the newest jobs, each with its reason or result.
OrthancPluginErrorCode on_jobs(OrthancPluginRestOutput* output, const char*, const OrthancPluginHttpRequest* request) {
  return route(output, request, OrthancPluginHttpMethod_Get, "GET", [request] {
    const std::string state = query_value(request, "state"), limit = query_value(request, "limit");
    const auto wanted = job_state_from_string(state);
    if (!state.empty() && !wanted) throw Error(ErrorCode::InvalidArgument, "no job state " + state);
    if (limit.find_first_not_of("0123456789") != std::string::npos || limit.size() > 6)
      throw Error(ErrorCode::InvalidArgument, "limit must be a number of jobs");
    return jobs_json(the_plugin->queue.list(wanted, limit.empty() ? 100 : std::stoi(limit)));
  });
}

// GET /fibretrack/studies/{id}: the study's jobs.
OrthancPluginErrorCode on_study(OrthancPluginRestOutput* output, const char*, const OrthancPluginHttpRequest* request) {
  return route(output, request, OrthancPluginHttpMethod_Get, "GET",
               [request] { return jobs_json(the_plugin->queue.of_study(request->groups[0])); });
}

// POST /fibretrack/studies/{id}/analyse: the study's clips analysed again, and any not yet
// queued (arrived while the plugin was off) queued now.
OrthancPluginErrorCode on_analyse(OrthancPluginRestOutput* output, const char*, const OrthancPluginHttpRequest* request) {
  return route(output, request, OrthancPluginHttpMethod_Post, "POST", [request] {
    Plugin& p = *the_plugin;
    const std::string study = request->groups[0];
    const int requeued = p.queue.requeue_study(study);
    int queued = 0;
    for (const std::string& series : p.archive.study_series(study)) queued += p.intake.take_series(series);
    p.workers.wake();
    p.archive.log_warning("FibreTrack: study " + study + " to be analysed again (" + std::to_string(requeued + queued) +
                          " clips)");
    return nlohmann::json{{"requeued", requeued}, {"queued", queued}};
  });
}

OrthancPluginErrorCode on_change(OrthancPluginChangeType change, OrthancPluginResourceType, const char*) {
  Plugin& p = *the_plugin;
  if (change == OrthancPluginChangeType_OrthancStarted && !p.started) {
    try {
      p.intake.start();
      p.workers.start();
      p.started = true;
    } catch (const std::exception& e) {  // no thread to be had: Orthanc runs, without analysis
      p.archive.log_error(std::string("FibreTrack cannot start its threads: ") + e.what());
      p.workers.stop();
      p.intake.stop();
      return OrthancPluginErrorCode_InternalError;
    }
  } else if (change == OrthancPluginChangeType_OrthancStopped && p.started) {
    p.workers.stop();
    p.intake.stop();
    p.started = false;
  }  // series that became stable are read from the change log (SeriesIntake), not heard here
  return OrthancPluginErrorCode_Success;
}

std::string configuration_of(OrthancPluginContext* context) {
  char* text = OrthancPluginGetConfiguration(context);
  const std::string json = text ? text : "{}";
  OrthancPluginFreeString(context, text);
  return json;
}

}  // namespace
}  // namespace ft::archive

extern "C" {

ORTHANC_PLUGINS_API int32_t OrthancPluginInitialize(OrthancPluginContext* context) {
  using namespace ft::archive;
  if (OrthancPluginCheckVersion(context) == 0) {
    OrthancPluginLogError(context, "FibreTrack: this Orthanc is older than the plugin SDK it was built with");
    return -1;
  }
  OrthancPluginSetDescription(context, "FibreTrack: dynamic MSUS clips analysed on arrival (decision support, "
                                       "not a certified medical device)");
  try {
    const ArchiveSettings settings =
        archive_settings_from(nlohmann::json::parse(configuration_of(context)), FT_INSTALLED_CLI);
    if (!settings.enabled) {
      OrthancPluginLogWarning(context, "FibreTrack: disabled in the configuration (FibreTrack.Enable)");
      return 0;
    }
    if (settings.workers > 0 && ::access(settings.executable.c_str(), X_OK) != 0)
      throw ft::Error(ft::ErrorCode::NotFound, "FibreTrack.Executable " + settings.executable + " cannot be run");
    for (const std::string& w : settings.warnings) OrthancPluginLogWarning(context, ("FibreTrack: " + w).c_str());
    if (!settings.postgres_conninfo.empty()) check_postgres_conninfo(settings.postgres_conninfo);
    the_plugin = std::make_unique<Plugin>(context, settings);
    // A single node's SQLite file is local: a path that cannot be opened is a configuration
    // error to say now, not a trouble to retry. (A PostgreSQL away is retried: LazyJobQueue.)
    if (settings.postgres_conninfo.empty()) the_plugin->queue.counts();
    OrthancPluginLogWarning(context, ("FibreTrack " FT_VERSION ": node " + settings.node_name + ", " +
                                      std::to_string(settings.workers) + " workers, jobs in " +
                                      (settings.postgres_conninfo.empty() ? settings.sqlite_path : "PostgreSQL"))
                                         .c_str());
  } catch (const std::exception& e) {
    OrthancPluginLogError(context, (std::string("FibreTrack cannot start: ") + e.what()).c_str());
    return -1;
  }
  OrthancPluginRegisterOnChangeCallback(context, on_change);
  OrthancPluginRegisterRestCallbackNoLock(context, "/fibretrack/queue", on_queue);
  OrthancPluginRegisterRestCallbackNoLock(context, "/fibretrack/jobs", on_jobs);
  OrthancPluginRegisterRestCallbackNoLock(context, "/fibretrack/studies/([^/]+)", on_study);
  OrthancPluginRegisterRestCallbackNoLock(context, "/fibretrack/studies/([^/]+)/analyse", on_analyse);
  return 0;
}

ORTHANC_PLUGINS_API void OrthancPluginFinalize() { ft::archive::the_plugin.reset(); }

ORTHANC_PLUGINS_API const char* OrthancPluginGetName() { return "fibretrack"; }

ORTHANC_PLUGINS_API const char* OrthancPluginGetVersion() { return FT_VERSION; }
}

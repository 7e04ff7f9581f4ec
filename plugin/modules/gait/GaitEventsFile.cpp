#include "GaitEventsFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace gait {
namespace {

QString label_of(const QString& event, const QString& side) {
  QString words = event;
  words.replace('_', ' ');
  return side.isEmpty() ? words : side + " " + words;
}

ParsedEvents from_json(const QByteArray& bytes, const QString& module_id) {
  ParsedEvents out;
  QJsonParseError error;
  const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
  if (!doc.isArray()) return {{}, "not a JSON array of events: " + error.errorString()};
  for (const QJsonValue& v : doc.array()) {
    const QJsonObject o = v.toObject();
    if (!o.contains("time_s") || !o.contains("event")) return {{}, "an event without time_s or event"};
    out.events.push_back({module_id, o.value("event").toString(), label_of(o.value("event").toString(), o.value("side").toString()),
                          o.value("time_s").toDouble()});
  }
  return out;
}

ParsedEvents from_csv(const QString& text, const QString& module_id) {
  QStringList lines = text.split('\n', Qt::SkipEmptyParts);
  if (lines.isEmpty()) return {{}, "empty file"};
  const QStringList header = lines.takeFirst().trimmed().split(',');
  const int time = header.indexOf("time_s"), event = header.indexOf("event"), side = header.indexOf("side");
  if (time < 0 || event < 0) return {{}, "the CSV header must name time_s and event"};
  ParsedEvents out;
  for (int i = 0; i < lines.size(); ++i) {
    const QStringList cells = lines[i].trimmed().split(',');
    bool ok = false;
    const double t = cells.value(time).toDouble(&ok);
    if (!ok) return {out.events, QString("line %1: time_s is not a number").arg(i + 2)};
    const QString kind = cells.value(event).trimmed();
    out.events.push_back({module_id, kind, label_of(kind, side >= 0 ? cells.value(side).trimmed() : QString()), t});
  }
  return out;
}

}  // namespace

ParsedEvents read_gait_events(const QString& path, const QString& module_id) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {{}, "cannot open " + path};
  const QByteArray bytes = file.readAll();
  return path.endsWith(".json", Qt::CaseInsensitive) ? from_json(bytes, module_id) : from_csv(QString::fromUtf8(bytes), module_id);
}

}  // namespace gait

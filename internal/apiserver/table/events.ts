/**
 * The events table, shared by core v1 and events.k8s.io/v1 Events (both are one
 * stored kind; an events.k8s.io object is read through its core field names).
 */
import type { Json, JsonObject, KubeObject } from '../objects.ts';
import { ageSince } from './duration.ts';
import { int, obj, optInt, str } from './json-path.ts';
import { column, nameOf, type Printer } from './printer.ts';

interface EventView {
  involved: JsonObject | undefined;
  message: string;
  firstTimestamp: string;
  lastTimestamp: string;
  eventTime: string;
  count: number | undefined;
  series: JsonObject | undefined;
  component: string;
  host: string;
}

/** Core field names of an Event in either API version. */
function view(event: KubeObject): EventView {
  const eventsApi = event.regarding !== undefined || event.note !== undefined || event.deprecatedSource !== undefined;
  if (eventsApi) {
    return {
      involved: obj(event, 'regarding'),
      message: str(event, 'note'),
      firstTimestamp: str(event, 'deprecatedFirstTimestamp'),
      lastTimestamp: str(event, 'deprecatedLastTimestamp'),
      eventTime: str(event, 'eventTime'),
      count: optInt(event, 'deprecatedCount'),
      series: obj(event, 'series'),
      component: str(event, 'deprecatedSource', 'component'),
      host: str(event, 'deprecatedSource', 'host'),
    };
  }
  return {
    involved: obj(event, 'involvedObject'),
    message: str(event, 'message'),
    firstTimestamp: str(event, 'firstTimestamp'),
    lastTimestamp: str(event, 'lastTimestamp'),
    eventTime: str(event, 'eventTime'),
    count: optInt(event, 'count'),
    series: obj(event, 'series'),
    component: str(event, 'source', 'component'),
    host: str(event, 'source', 'host'),
  };
}

/** "component, instance", falling back to the reporting controller and instance. */
function eventSource(event: KubeObject, v: EventView): string {
  const component = v.component || str(event, 'reportingController');
  const instance = v.host || str(event, 'reportingInstance');
  return instance === '' ? component : `${component}, ${instance}`;
}

export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', 'string', 'How long ago the event last occurred.'),
    column('Type', 'string', 'Normal or Warning.'),
    column('Reason', 'string', 'A short machine-readable reason.'),
    column('Object', 'string', 'The object the event is about.'),
    column('Subobject', 'string', 'The part of the object the event is about.', 1),
    column('Source', 'string', 'The component that reported the event.', 1),
    column('Message', 'string', 'The event message.'),
    column('First Seen', 'string', 'How long ago the event first occurred.', 1),
    column('Count', 'string', 'How many times the event occurred.', 1),
    column('Name', 'string', 'The name of the event object.', 1, 'name'),
  ],
  cells(event, now): Json[] {
    const v = view(event);
    const first = v.firstTimestamp !== '' ? ageSince(v.firstTimestamp, now) : ageSince(v.eventTime, now);
    let last = v.lastTimestamp !== '' ? ageSince(v.lastTimestamp, now) : first;
    let count = v.count ?? 0;
    if (v.series !== undefined) {
      last = ageSince(str(v.series, 'lastObservedTime'), now);
      count = int(v.series, 'count');
    } else if (count === 0) {
      // Events from the newer API carry no count when they happened once.
      count = 1;
    }
    const kind = str(v.involved, 'kind').toLowerCase();
    const involvedName = str(v.involved, 'name');
    return [
      last,
      str(event, 'type'),
      str(event, 'reason'),
      involvedName === '' ? kind : `${kind}/${involvedName}`,
      str(v.involved, 'fieldPath'),
      eventSource(event, v),
      v.message.trim(),
      first,
      count,
      nameOf(event),
    ];
  },
};

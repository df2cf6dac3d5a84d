// Test data that eventctl cannot make, for tests/browser/run.sh:
//   node setup.js agenda EVENT_ID YYYY-MM-DD
// sets the event's agenda (two sessions, one co-facilitated by a person with lived experience)
// through scheduling's SetAgenda, as the organiser whose key is in EVENTS_API_KEY.
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const root = path.join(__dirname, '..', '..', 'protos');

function scheduling() {
  const def = protoLoader.loadSync(path.join(root, 'events/v1/scheduling.proto'), {
    includeDirs: [root],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  const proto = grpc.loadPackageDefinition(def);
  return new proto.events.v1.SchedulingService(process.env.EVENTS_SCHEDULING_ADDR,
                                               grpc.credentials.createInsecure());
}

function setAgenda(eventId, day) {
  const client = scheduling();
  const meta = new grpc.Metadata();
  meta.add('authorization', `Bearer ${process.env.EVENTS_API_KEY}`);
  const at = (hhmm) => ({ value: `${day}T${hhmm}` });
  const sessions = [
    {
      title: 'Welcome and how the session works',
      start: at('10:00'),
      end: at('10:30'),
      speakers: [{ name: 'Ana Okafor', role: 'SPEAKER_ROLE_HOST' }],
    },
    {
      title: 'What helps day to day',
      start: at('10:30'),
      end: at('12:00'),
      speakers: [
        { name: 'Jo Rivers', role: 'SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR' },
        { name: 'Dr Sam Patel', role: 'SPEAKER_ROLE_SPEAKER' },
      ],
    },
  ];
  return new Promise((resolve, reject) => {
    client.SetAgenda({ event_id: eventId, sessions }, meta, { deadline: Date.now() + 10000 },
                     (err, event) => {
                       client.close();
                       if (err) reject(new Error(`SetAgenda: ${err.message}`));
                       else resolve(event);
                     });
  });
}

async function main() {
  const [what, eventId, day] = process.argv.slice(2);
  if (what !== 'agenda' || !eventId || !/^\d{4}-\d{2}-\d{2}$/.test(day || '')) {
    throw new Error('usage: setup.js agenda EVENT_ID YYYY-MM-DD');
  }
  const event = await setAgenda(eventId, day);
  if (event.agenda.length !== 2) throw new Error(`the agenda has ${event.agenda.length} sessions`);
}

main().catch((err) => {
  console.error(`setup.js: ${err.message}`);
  process.exit(1);
});

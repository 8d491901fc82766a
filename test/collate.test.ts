import { compareText } from '../src/collate';

describe('compareText', () => {
  test('orders exactly as localeCompare, on names, kinds, paths and generated strings', () => {
    const alphabet = ['a', 'b', 'z', 'A', 'B', 'Z', '0', '9', '-', '.', '/', '_', ':', ' ', 'é', 'É'];
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
    const strings = [
      '', 'a', 'A', 'aa', 'aA', 'Aa', 'AA', 'a-b', 'ab', 'a.b', 'a/b', 'a0', 'a9', 'a-', 'a--', 'demo/Deployment/api:9898', 'demo/Deployment/api-x:80',
      'linkerd/Deployment/linkerd-destination', 'linkerd/CronJob/linkerd-heartbeat', 'Server demo/api-http', 'L5D101', 'L5D99',
      ...Array.from({ length: 3000 }, () => Array.from({ length: next() % 7 }, () => alphabet[next() % alphabet.length]).join('')),
    ];
    for (let i = 0; i < strings.length; i++) {
      for (const j of [i + 1, (i * 7) % strings.length, (i * 13 + 5) % strings.length]) {
        const [a, b] = [strings[i], strings[j % strings.length]];
        expect([a, b, Math.sign(compareText(a, b))]).toEqual([a, b, Math.sign(a.localeCompare(b))]);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { chatExample, clusterCatalog, groundedList } from '../src/core/prompt/chat-data.js';
import { chatLine, completionName, parseRankedList, promptSplit, pyJson, recsysLine, recsysPrompt } from '../src/core/prompt/format.js';
import { fuzzyMatchList } from '../src/core/prompt/fuzzy.js';
import { mulberry32 } from '../src/core/vectors/random.js';
import { sessionsOf } from './helpers.js';

const titles = ['Maybelline Great Lash Mascara Black', 'Burt\'s Bees Lip Balm "Vegan"', 'Crème Brûlée Body Scrub', '', 'Nail File'];

describe("RecSys'23 prompt-completion lines", () => {
  it('writes the issue\'s format byte for byte, as Python\'s json.dumps does', () => {
    // Hand-written expected line: numbered names each followed by " \n", then "\n###\n\n";
    // the completion is " {name} ###"; non-ASCII as \u escapes; ", " and ": " separators.
    const expected = String.raw`{"prompt": "1. Maybelline Great Lash Mascara Black \n2. Burt's Bees Lip Balm \"Vegan\" \n3. Cr\u00e8me Br\u00fbl\u00e9e Body Scrub \n\n###\n\n", "completion": " Nail File ###"}`;
    expect(recsysLine([0, 1, 2, 4], titles)).toBe(expected);
  });

  it('names an item with an empty title "Unknown item"', () => {
    expect(recsysLine([3, 0], titles)).toBe(String.raw`{"prompt": "1. Unknown item \n\n###\n\n", "completion": " Maybelline Great Lash Mascara Black ###"}`);
  });

  it('cuts a prompt over 5,000 characters to its last 20 items, numbered from 1', () => {
    const names = Array.from({ length: 30 }, (_, i) => `item ${String(i).padStart(2, '0')} ${'x'.repeat(200)}`);
    const p = recsysPrompt(names);
    expect(p.startsWith(`1. item 10 ${'x'.repeat(200)} \n2. item 11`)).toBe(true);
    expect(p.endsWith(`20. item 29 ${'x'.repeat(200)} \n\n###\n\n`)).toBe(true);
    expect(recsysPrompt(names.slice(0, 5)).startsWith('1. item 00')).toBe(true);
  });

  it('matches json.dumps on escapes (control characters, astral characters)', () => {
    expect(pyJson({ a: 'tab\there\u0001', b: ['😀', 1, null, true] })).toBe(String.raw`{"a": "tab\there\u0001", "b": ["\ud83d\ude00", 1, null, true]}`);
  });

  it('puts the first 500 shuffled sessions (here: first 2) in validation, reproducibly', () => {
    const train = sessionsOf([[0, 1], [1, 2], [2, 3], [3, 4], [4], [0, 4]]);
    const a = promptSplit(train, 7, 2);
    const b = promptSplit(train, 7, 2);
    expect(a.valid.map((s) => Array.from(s))).toEqual(b.valid.map((s) => Array.from(s)));
    expect(a.valid.length + a.train.length).toBe(5); // the 1-item session is skipped
    expect([...a.valid, ...a.train].map((s) => Array.from(s)).sort()).toEqual([[0, 1], [0, 4], [1, 2], [2, 3], [3, 4]]);
  });

  it('reads a completion\'s name and a ranked list back', () => {
    expect(completionName(' Nail File ###')).toBe('Nail File');
    expect(completionName(' Nail File')).toBe('Nail File');
    expect(parseRankedList('The recommendations are ...\nBEGIN\n1. Nail File\n2. Crème\n\nEND\n')).toEqual(['Nail File', 'Crème']);
  });
});

describe('chat-format variants (Boz et al. 2024)', () => {
  it('genitem: system, user item list, assistant name', () => {
    const line = chatLine(chatExample('genitem', Int32Array.from([0, 4]), { titles }));
    expect(line).toBe(
      String.raw`{"messages": [{"role": "system", "content": "Provide a unique item recommendation that is complementary to the user's item list. \nEnsure the recommendation is from items included in the data you are fine-tuned with. List only the item name."}, {"role": "user", "content": "The user's item list:\nMaybelline Great Lash Mascara Black"}, {"role": "assistant", "content": "Nail File"}]}`,
    );
  });

  it('genlist: the true item first, then the top list without it', () => {
    expect(groundedList(4, [2, 4, 1])).toEqual([4, 2, 1]);
    const m = chatExample('genlist', Int32Array.from([0, 4]), { titles, topList: () => Int32Array.from([2, 4, 1]) });
    expect(m[2].content).toBe(
      "The recommendations are in the following\nlines, in decreasing confidence order. The recommendations are delimited by\nBEGIN and END. Each recommendation is in a separate line:\nBEGIN\n1. Nail File\n2. Crème Brûlée Body Scrub\n3. Burt's Bees Lip Balm \"Vegan\"\n\nEND\n",
    );
    expect(m[1].content).toBe("The user's item list are in the following lines\ndelimited by BEGIN and END. Each item is in a separate line:\nBEGIN\nMaybelline Great Lash Mascara Black\nEND\n");
  });

  it('rank: the same list shuffled as candidates, the ranked list as the answer', () => {
    const m = chatExample('rank', Int32Array.from([0, 4]), { titles, topList: () => Int32Array.from([2, 1]), rand: mulberry32(1) });
    const candidates = m[1].content.split('Available products:\n')[1].split('\n\n\n')[0].split('\n');
    expect([...candidates].sort()).toEqual(['Burt\'s Bees Lip Balm "Vegan"', 'Crème Brûlée Body Scrub', 'Nail File']);
    expect(m[2].content).toBe('1. Nail File\n2. Crème Brûlée Body Scrub\n3. Burt\'s Bees Lip Balm "Vegan"\n');
  });

  it('classify: clusters named by their most popular item; the target lists the clusters nearest the true item', () => {
    // Two tight groups of items on a line: {0,1,2} near x=0, {3,4} near x=10.
    const vectors = { rows: 5, cols: 2, data: Float32Array.from([0, 0, 0.1, 0, 0.2, 0, 10, 0, 10.1, 0]) };
    const clusters = clusterCatalog(vectors, [1, 5, 2, 0, 9], titles, 2, 3);
    const m = chatExample('classify', Int32Array.from([0, 3]), { titles, clusters });
    // Cluster names: Burt's (most popular of 0-2) and Nail File (item 4; item 3 has no title).
    expect(m[1].content).toContain('Available products:\n');
    const available = m[1].content.split('Available products:\n')[1].split('\n\n\n')[0].split('\n').sort();
    expect(available).toEqual(['Burt\'s Bees Lip Balm "Vegan"', 'Nail File']);
    expect(m[2].content).toBe('1. Nail File\n2. Burt\'s Bees Lip Balm "Vegan"\n'); // item 3 is in the Nail File cluster
  });

  it('fuzzy-matches output lines to the candidate names, each once', () => {
    const cands = ['Maybelline Great Lash Mascara Black', 'Nail File', 'Crème Brûlée Body Scrub'];
    expect(fuzzyMatchList(['nail file', 'Maybeline Great Lash Mascara', 'Nail Files', 'something else entirely'], cands)).toEqual([1, 0]);
  });
});

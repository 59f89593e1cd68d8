import { strict as assert } from 'node:assert';
import * as iconv from 'iconv-lite';
import { CODE_PAGES, codePageOfName, detectNameEncoding, type CodePage } from '../../src/ftp/names/detect';

/**
 * The detector on names made in each code page it knows: folders of long and short names as people save them on
 * a Chinese, Taiwanese, Japanese, Korean, Russian or Western European system, and one name alone.
 */
const NAMES: Record<CodePage, string[]> = {
  gb18030: [
    '中文文件.txt', '新建文件夹', '项目计划书_2024年第三季度.docx', '照片', '备份', '会议纪要（终稿）.doc', '财务报表.xlsx',
    '我的文档', '下载', '工作总结.pdf', '测试数据', '合同扫描件.pdf', '说明', '图', '客户资料汇总表.xls',
  ],
  big5: [
    '繁體中文檔案.txt', '新增資料夾', '會議記錄', '照片', '備份', '專案報告_最終版.docx', '財務報表.xlsx', '我的文件',
    '下載', '圖片', '說明', '網頁設計', '電影', '廣告企劃書.ppt',
  ],
  shift_jis: [
    '日本語のファイル.txt', '写真', '新しいフォルダー', '会議資料', 'バックアップ', '見積書_2024年.xlsx', 'ドキュメント',
    '画像', 'テスト', 'ダウンロード', 'お知らせ.pdf', '設定ファイル.ini', 'メモ',
  ],
  'euc-kr': [
    '한국어 파일.txt', '새 폴더', '사진', '회의록', '보고서_최종.docx', '백업', '문서', '다운로드', '견적서.xlsx', '음악',
    '프로젝트 계획', '테스트 데이터',
  ],
  'windows-1251': [
    'Документы', 'привет.txt', 'Отчёт за 2024 год.docx', 'Фото', 'новая папка', 'Резервная копия', 'Договор.pdf', 'музыка',
    'СПИСОК', 'Загрузки',
  ],
  'windows-1252': [
    'café.txt', 'Müller Präsentation.pptx', 'résumé.doc', 'Größe', 'niño', 'Français', 'Übersicht.xlsx', 'façade.jpg',
    'Bücher', 'Ångström', 'crème brûlée.txt',
  ],
};

const bytesOf = (names: string[], cp: CodePage) => names.map((n) => iconv.encode(n, cp));

describe('name encoding detector', () => {
  for (const cp of CODE_PAGES) {
    it(`finds ${cp} in a folder of its names`, () => {
      const v = detectNameEncoding(bytesOf(NAMES[cp], cp));
      assert.equal(v.encoding, cp, JSON.stringify(v.scores));
    });
    it(`finds ${cp} from each short name alone`, () => {
      for (const name of NAMES[cp]) {
        const v = detectNameEncoding([iconv.encode(name, cp)]);
        assert.equal(v.encoding, cp, `${name}: ${JSON.stringify(v.scores)}`);
      }
    });
  }

  it('says UTF-8 when every name is valid UTF-8, whatever the script', () => {
    const all = Object.values(NAMES).flat().map((n) => Buffer.from(n, 'utf8'));
    assert.equal(detectNameEncoding(all).encoding, 'utf8');
  });

  it('takes a code-page name whose bytes happen to be valid UTF-8 for the code page when its UTF-8 reading is no word', () => {
    assert.equal(detectNameEncoding([iconv.encode('图', 'gbk')]).encoding, 'gb18030'); // U+037C in UTF-8
    assert.equal(detectNameEncoding([iconv.encode('目录', 'gbk')]).encoding, 'gb18030'); // "Ŀ¼"
    assert.equal(detectNameEncoding([Buffer.from('café.txt')]).encoding, 'utf8');
    for (const n of ['name with spaces ü.bin', 'à', 'Ñ 2024.txt', '© notes', 'Ёж', 'שלום', 'مرحبا.txt']) {
      assert.equal(detectNameEncoding([Buffer.from(n)]).encoding, 'utf8', n);
    }
    assert.equal(detectNameEncoding([Buffer.from('Ελληνικά'), Buffer.from('Документы')]).encoding, 'utf8');
  });

  it('says UTF-8 for names of ASCII only, and counts no evidence', () => {
    const v = detectNameEncoding([Buffer.from('readme.txt'), Buffer.from('src')]);
    assert.deepEqual([v.encoding, v.names], ['utf8', 0]);
  });

  it('judges the code page on the names that are not UTF-8, in a folder mixing both', () => {
    const names = [...bytesOf(NAMES.gb18030, 'gb18030'), ...NAMES.big5.map((n) => Buffer.from(n, 'utf8'))];
    assert.equal(detectNameEncoding(names).encoding, 'gb18030');
  });

  it('reads one name in another code page when that page reads it much better (a mixed folder)', () => {
    assert.equal(codePageOfName(iconv.encode('繁體中文檔案.txt', 'big5'), 'gb18030'), 'big5');
    assert.equal(codePageOfName(iconv.encode('日本語のファイル.txt', 'shift_jis'), 'gb18030'), 'shift_jis');
    assert.equal(codePageOfName(iconv.encode('中文文件.txt', 'gb18030'), 'gb18030'), 'gb18030');
    assert.equal(codePageOfName(iconv.encode('中文文件.txt', 'gb18030'), 'big5'), 'gb18030');
  });

  it('keeps the usual code page for a name no page reads well', () => {
    assert.equal(codePageOfName(Buffer.from([0x98, 0x98]), 'gb18030'), 'gb18030');
  });

  /**
   * Names of random characters from the common rows of each table (not only the frequent characters the detector
   * knows), eight to a folder, with a fixed seed. Korean is left out: its Hangul rows are GB 2312's common rows
   * byte for byte, and only frequent syllables (real names, above) tell them apart.
   */
  for (const cp of ['gb18030', 'big5', 'shift_jis'] as const) {
    it(`finds ${cp} in 9 of 10 folders of names made of random characters of its common rows`, () => {
      let seed = 7;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      const char = (): number[] => {
        if (cp === 'gb18030') return [0xb0 + rnd(0x28), 0xa1 + rnd(0x5d)];
        if (cp === 'shift_jis') return rnd(2) ? [0x82, 0x9f + rnd(0x52)] : [0x89 + rnd(0x0f), 0x9f + rnd(0x5d)];
        const trail = rnd(2) ? 0x40 + rnd(0x3f) : 0xa1 + rnd(0x5e);
        return [0xa4 + rnd(0x22), trail];
      };
      const name = () => Buffer.concat([Buffer.from(Array.from({ length: 1 + rnd(6) }, char).flat()), Buffer.from(['.txt', '', '_2024.doc'][rnd(3)])]);
      let right = 0;
      for (let k = 0; k < 100; k++) if (detectNameEncoding(Array.from({ length: 8 }, name)).encoding === cp) right++;
      assert.ok(right >= 90, `${right} of 100`);
    });
  }

  it('survives bytes that are nothing in any page', () => {
    const v = detectNameEncoding([Buffer.from([0xff, 0xff, 0x80, 0x30])]);
    assert.ok(CODE_PAGES.includes(v.encoding as CodePage));
  });
});

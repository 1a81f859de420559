//! Text normalisation for matching labels, with a map back to the original, so a label broken
//! across lines, written with full-width digits, in Traditional characters or with pinyin injected
//! by a mirror site still matches — and a finding can still point at the original line.

/// Traditional → Simplified for the characters of the statutory headings and labels (and a few
/// common neighbours). A mirror's full-text conversion only needs to be undone for what we match.
const TRADITIONAL: &[(char, char)] = &[
    ('處', '处'),
    ('開', '开'),
    ('請', '请'),
    ('況', '况'),
    ('數', '数'),
    ('結', '结'),
    ('轉', '转'),
    ('繼', '继'),
    ('續', '续'),
    ('總', '总'),
    ('體', '体'),
    ('動', '动'),
    ('報', '报'),
    ('護', '护'),
    ('權', '权'),
    ('機', '机'),
    ('關', '关'),
    ('據', '据'),
    ('獲', '获'),
    ('規', '规'),
    ('範', '范'),
    ('內', '内'),
    ('務', '务'),
    ('過', '过'),
    ('執', '执'),
    ('條', '条'),
    ('項', '项'),
    ('發', '发'),
    ('廢', '废'),
    ('現', '现'),
    ('許', '许'),
    ('罰', '罚'),
    ('強', '强'),
    ('費', '费'),
    ('額', '额'),
    ('單', '单'),
    ('萬', '万'),
    ('議', '议'),
    ('訟', '讼'),
    ('維', '维'),
    ('糾', '纠'),
    ('審', '审'),
    ('經', '经'),
    ('後', '后'),
    ('訴', '诉'),
    ('複', '复'),
    ('復', '复'),
    ('問', '问'),
    ('題', '题'),
    ('進', '进'),
    ('辦', '办'),
    ('區', '区'),
    ('計', '计'),
    ('這', '这'),
    ('屬', '属'),
    ('於', '于'),
    ('國', '国'),
    ('險', '险'),
    ('穩', '稳'),
    ('類', '类'),
    ('詢', '询'),
    ('無', '无'),
    ('沒', '没'),
    ('製', '制'),
    ('補', '补'),
    ('確', '确'),
    ('認', '认'),
    ('訪', '访'),
    ('舉', '举'),
    ('書', '书'),
    ('納', '纳'),
    ('繳', '缴'),
    ('費', '费'),
    ('通', '通'),
    ('應', '应'),
    ('級', '级'),
    ('縣', '县'),
    ('鎮', '镇'),
    ('責', '责'),
    ('評', '评'),
    ('監', '监'),
    ('導', '导'),
    ('實', '实'),
    ('際', '际'),
    ('點', '点'),
    ('設', '设'),
    ('網', '网'),
    ('臺', '台'),
    ('號', '号'),
    ('統', '统'),
    ('眾', '众'),
    ('難', '难'),
    ('對', '对'),
    ('檔', '档'),
    ('與', '与'),
    ('負', '负'),
    ('濟', '济'),
    ('禁', '禁'),
    ('違', '违'),
    ('為', '为'),
    ('須', '须'),
    ('專', '专'),
    ('門', '门'),
    ('協', '协'),
    ('調', '调'),
    ('態', '态'),
    ('績', '绩'),
    ('訊', '讯'),
    ('資', '资'),
    ('產', '产'),
    ('錄', '录'),
    ('記', '记'),
    ('檢', '检'),
    ('紙', '纸'),
    ('傳', '传'),
    ('親', '亲'),
    ('頻', '频'),
    ('視', '视'),
    ('戶', '户'),
    ('當', '当'),
    ('們', '们'),
    ('個', '个'),
    ('來', '来'),
    ('時', '时'),
    ('間', '间'),
    ('會', '会'),
    ('務', '务'),
    ('機', '机'),
    ('構', '构'),
    ('組', '组'),
    ('織', '织'),
    ('律', '律'),
    ('託', '托'),
    ('訂', '订'),
    ('決', '决'),
    ('準', '准'),
    ('則', '则'),
    ('總', '总'),
    ('徵', '征'),
    ('收', '收'),
    ('鄉', '乡'),
    ('區', '区'),
    ('屆', '届'),
    ('層', '层'),
    ('團', '团'),
    ('園', '园'),
    ('據', '据'),
];

fn simplified(c: char) -> char {
    TRADITIONAL
        .iter()
        .find(|(t, _)| *t == c)
        .map_or(c, |(_, s)| *s)
}

fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(c)
}

/// Normalised text and, for every byte of it, the byte offset in the original it came from.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    map: Vec<usize>,
    original_len: usize,
}

impl Normalized {
    /// The original byte offset of a normalised byte offset.
    pub fn original(&self, at: usize) -> usize {
        self.map.get(at).copied().unwrap_or(self.original_len)
    }
}

/// Normalises: drops white space and quotes, folds full-width forms, turns `1、`/`1．` into `1.`,
/// maps Traditional characters and 檔案 to 文件, and drops pinyin injected in parentheses.
pub fn normalize(original: &str) -> Normalized {
    let chars: Vec<(usize, char)> = original.char_indices().collect();
    let mut text = String::with_capacity(original.len());
    let mut map = Vec::with_capacity(original.len());
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        // "(shù)" after a Chinese character: a mirror's injected pinyin.
        if (c == '(' || c == '（') && i > 0 && !chars[i - 1].1.is_ascii() {
            let mut j = i + 1;
            while j < chars.len() && is_pinyin_letter(chars[j].1) {
                j += 1;
            }
            if j > i + 1 && j < chars.len() && (chars[j].1 == ')' || chars[j].1 == '）') {
                i = j + 1;
                continue;
            }
        }
        let folded = match c {
            c if c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}' => None,
            '“' | '”' | '"' | '\'' | '‘' | '’' | '「' | '」' => None,
            '\u{ff01}'..='\u{ff5e}' => Some(gongkai_core::text::halfwidth(c)),
            '、' if text.ends_with(|p: char| p.is_ascii_digit()) => Some('.'),
            '檔' if chars.get(i + 1).is_some_and(|(_, n)| *n == '案') => {
                push(&mut text, &mut map, '文', at);
                push(&mut text, &mut map, '件', chars[i + 1].0);
                i += 2;
                continue;
            }
            c => Some(simplified(c)),
        };
        if let Some(f) = folded {
            push(&mut text, &mut map, f, at);
        }
        i += 1;
    }
    Normalized {
        text,
        map,
        original_len: original.len(),
    }
}

fn push(text: &mut String, map: &mut Vec<usize>, c: char, at: usize) {
    text.push(c);
    map.extend(std::iter::repeat_n(at, c.len_utf8()));
}

/// Whether a string holds full-width digits (a finding of its own).
pub fn has_fullwidth_digits(s: &str) -> bool {
    s.chars().any(|c| ('\u{ff10}'..='\u{ff19}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_survive_line_breaks_widths_traditional_and_pinyin() {
        let n =
            normalize("（二）部分公開（區分處理的，只計這一情 形）\n１、數(shù)據(jù)規範性檔案");
        assert_eq!(
            n.text,
            "(二)部分公开(区分处理的,只计这一情形)1.数据规范性文件"
        );
        let at = n.text.find("1.").unwrap();
        assert_eq!(
            &"（二）部分公開（區分處理的，只計這一情 形）\n１、數(shù)據(jù)規範性檔案"
                [n.original(at)..][..3],
            "１"
        );
    }
}

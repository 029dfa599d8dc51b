package parser

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// maxDocxPart bounds the uncompressed size of one part of a .docx file.
const maxDocxPart = 64 << 20

var headingStyleName = regexp.MustCompile(`^heading\s*([1-9])$`)

// ParseDOCX reads a Word .docx file: paragraphs, lists and tables of
// word/document.xml; paragraphs in heading styles (or with an outline level)
// start sections, and the Title style or the document's title property
// names it.
func ParseDOCX(filename string, data []byte) (Parsed, error) {
	name := displayName(filename, ".docx")
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Parsed{}, Errorf("%s is not a valid .docx file (the zip archive could not be opened)", name)
	}
	part := func(n string) ([]byte, error) {
		for _, f := range zr.File {
			if f.Name == n {
				rc, err := f.Open()
				if err != nil {
					return nil, err
				}
				defer rc.Close()
				b, err := io.ReadAll(io.LimitReader(rc, maxDocxPart+1))
				if err == nil && len(b) > maxDocxPart {
					err = errors.New("part too large")
				}
				return b, err
			}
		}
		return nil, nil
	}
	doc, err := part("word/document.xml")
	if err != nil || doc == nil {
		return Parsed{}, Errorf("%s is not a valid .docx file (word/document.xml is missing or damaged)", name)
	}
	styles, _ := part("word/styles.xml")
	levels := docxHeadingStyles(styles)
	core, _ := part("docProps/core.xml")

	b := newSectionBuilder()
	b.anchored = false
	if t := docxCoreTitle(core); t != "" {
		b.p.Title = t
	}
	if err := docxBody(doc, levels, b); err != nil {
		return Parsed{}, Errorf("%s is not a valid .docx file: %v", name, err)
	}
	p := b.done()
	if p.Title == "" {
		p.Title = strings.TrimSuffix(path.Base(filename), path.Ext(filename))
	}
	return p, nil
}

// docxHeadingStyles maps paragraph style ids to heading levels (0: title),
// from word/styles.xml; the built-in ids Title and HeadingN always count.
func docxHeadingStyles(styles []byte) map[string]int {
	out := map[string]int{"Title": 0}
	for i := 1; i <= 9; i++ {
		out["Heading"+strconv.Itoa(i)] = i
	}
	if styles == nil {
		return out
	}
	dec := xml.NewDecoder(bytes.NewReader(styles))
	var id string
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "style":
			id = wattr(se, "styleId")
		case "name":
			n := strings.ToLower(wattr(se, "val"))
			if m := headingStyleName.FindStringSubmatch(n); m != nil && id != "" {
				out[id], _ = strconv.Atoi(m[1])
			} else if n == "title" && id != "" {
				out[id] = 0
			}
		case "outlineLvl":
			if lv, err := strconv.Atoi(wattr(se, "val")); err == nil && id != "" && lv < 9 {
				if _, known := out[id]; !known {
					out[id] = lv + 1
				}
			}
		}
	}
}

func docxCoreTitle(core []byte) string {
	if core == nil {
		return ""
	}
	dec := xml.NewDecoder(bytes.NewReader(core))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "title" {
			var s string
			if dec.DecodeElement(&s, &se) == nil {
				return strings.TrimSpace(s)
			}
		}
	}
}

func wattr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// docxBody walks word/document.xml into b.
func docxBody(doc []byte, levels map[string]int, b *sectionBuilder) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var (
		para     strings.Builder
		inText   bool
		style    string
		outline  = -1
		list     bool
		tblDepth int
		cell     []string
		row      []string
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				para.Reset()
				style, outline, list = "", -1, false
			case "pStyle":
				style = wattr(t, "val")
			case "outlineLvl":
				if lv, err := strconv.Atoi(wattr(t, "val")); err == nil {
					outline = lv
				}
			case "numPr":
				list = true
			case "t":
				inText = true
			case "tab":
				para.WriteByte('\t')
			case "br", "cr":
				para.WriteByte('\n')
			case "tbl":
				tblDepth++
			case "tr":
				row = nil
			case "tc":
				cell = nil
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				text := strings.TrimSpace(para.String())
				if text == "" {
					continue
				}
				if tblDepth > 0 {
					cell = append(cell, collapse(text))
					continue
				}
				level, isHeading := levels[style]
				if !isHeading && outline >= 0 && outline < 9 {
					level, isHeading = outline+1, true
				}
				switch {
				case isHeading && level == 0:
					if b.p.Title == "" {
						b.p.Title = collapse(text)
					} else {
						b.heading(1, collapse(text), "")
					}
				case isHeading:
					b.heading(level, collapse(text), "")
				case list:
					b.addLine("- " + text)
				default:
					b.addLine(text)
					b.addLine("")
				}
			case "tc":
				row = append(row, strings.Join(cell, " "))
			case "tr":
				if r := strings.Join(row, " | "); strings.Trim(r, " |") != "" && tblDepth == 1 {
					b.addLine(r)
				}
			case "tbl":
				tblDepth--
				if tblDepth == 0 {
					b.addLine("")
				}
			}
		}
	}
}

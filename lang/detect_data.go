package lang

// language is one language Detect can report. Languages with a script of
// their own need only code, name and script. The others list evidence that
// tells them apart from their script neighbours, all written by hand:
//
//   - words: the most frequent function words (articles, pronouns,
//     prepositions, auxiliaries) and the vocabulary of support messages
//     (order, parcel, refund, thanks), space-separated;
//   - chars: letters that mark the language, "x" or "x=weight" (default 1);
//   - grams: fragments of 2–5 letters typical of the language's spelling,
//     '_' marking a word edge ("ção_", "_wh"), each worth 0.4 unless "=w".
//
// A word or fragment that several languages list is shared out between
// them, so only what is distinctive moves the result. Words are also listed
// without their accents, because customers often type that way.
type language struct {
	code, name string
	script     script
	words      string
	chars      string
	grams      string
}

// vietTones are the Vietnamese vowels with tone marks that no other
// supported language uses.
const vietTones = `ạ ả ấ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ẹ ẻ ẽ ế ề ể ễ ệ ỉ ị ọ ỏ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ụ ủ ứ ừ ử ữ ự ỳ ỵ ỷ ỹ ĩ ũ`

var languages = []language{
	{code: "en", name: "English", script: scriptLatin,
		words: `the a an and or but is are was were be been am i me my mine you your we our us he she it its they them their
			this that these those there here not no yes do does did don didn doesn isn wasn t m s ve ll re have has had can could
			would will should want need like to of for on in at from with about by where when how what why who which hello hi hey
			thanks thank please order package parcel arrived never still yet received refund return help someone person human
			speak talk get got just any some too small charged twice link sent doesn work
			if so all one out up as now`,
		grams: `th=0.6 _wh ing_ ght ould ly_ y_=0.2 ea _yo _kn`},
	{code: "es", name: "Spanish", script: scriptLatin,
		words: `el la los las un una unos unas y o pero que de del al en con por para sin sobre es son está están estoy estaba
			soy fue ha han he hay tengo tiene mi mis yo me te se le les lo nos usted ustedes su sus tu tú él ella este esta esto
			ese esa eso no sí muy ya todavía aún cuando cuándo donde dónde cómo como qué quién hola buenos buenas días tardes
			gracias muchas favor quiero quisiera puedo puede pueden hablar pedido paquete nunca llegó llegado ayuda devolver
			reembolso alguien persona chaqueta pequeña demasiado cobraron veces mismo enlace seguimiento funciona
			más también bien hacer cuánto todo nada hace sigue`,
		chars: `ñ=3 á é í ó ú`,
		grams: `ción_ _ll ía_ ue=0.3 ie=0.2 aron_ ando_ iendo os_=0.15 as_=0.15 o_=0.15`},
	{code: "pt", name: "Portuguese", script: scriptLatin,
		words: `o a os as um uma uns umas e ou mas que de do da dos das no na nos nas ao à em com por para pelo pela sem é são
			está estão estou era sou foi tem tenho meu minha meus minhas eu me te se lhe você vocês ele ela este esta isto esse
			essa isso não sim muito já ainda quando onde como porque quem olá oi bom boa dia tarde obrigado obrigada favor quero
			queria posso pode podem falar pedido encomenda pacote nunca chegou ajuda devolver reembolso reembolsar alguém pessoa
			jaqueta casaco pequena pequeno demais cobrado vezes mesma compra rastreamento mandaram funciona
			mais também bem fazer quanto tudo nada mesmo vou vai`,
		chars: `ã=3 õ=3 ç â ê ô à á é í ó ú`,
		grams: `ção_ ções ão ão_ nh lh õe ço ou_ ei_ em_ am_=0.2 aram_ ando_ dade_ _nã os_=0.15 as_=0.15 o_=0.15`},
	{code: "fr", name: "French", script: scriptLatin,
		words: `le la les l un une des du de d et ou mais que qu qui est sont suis es ai a as avez ont été était je j me m mon ma
			mes moi tu te t vous votre vos nous notre il elle ils on ce c cet cette ces ne n pas plus non oui très déjà encore
			quand où comment quoi pourquoi pour avec dans sur sans chez au aux bonjour bonsoir salut merci beaucoup plaît s veux
			voudrais peux pouvez parler commande colis jamais arrivé reçu aide retourner rembourser remboursement quelqu
			personne veste petite trop débité fois même lien suivi envoyé fonctionne
			toujours combien faire bien tout rien aussi y ça fait va avoir être puis dois`,
		chars: `è ê à ç â î ô û ù=2 œ=3 ë ï é`,
		grams: `eau aux_ eux ais_ ait_ oi ez_ ent_ ique_ x_=0.3 é_ ée _j s_=0.15 t_=0.15`},
	{code: "it", name: "Italian", script: scriptLatin,
		words: `il lo la i gli le l un una uno e ed o ma che di del della dei delle da dal dalla in nel nella con per su sul
			senza è sono sei ho hai ha abbiamo hanno era stato io mi me ti ci si mio mia miei mie tu lei voi vostro suo questo
			questa quello quella non sì molto già ancora quando dove dov come cosa perché chi ciao buongiorno buonasera salve
			grazie mille favore voglio vorrei posso può potete parlare ordine pacco mai arrivato arrivata aiuto restituire
			rimborso rimborsare qualcuno persona giacca piccola piccolo troppo avete addebitato volte stesso tracciamento
			mandato funziona
			anche bene fare tutto niente quanto sto va ce ne sempre devo`,
		chars: `à è ì=2 ò=2 ù é`,
		grams: `zione gli zz cc cch tt=0.2 ato_ ata_ etto ello _vo o_=0.15 ni_=0.2 s_=-0.3`},
	{code: "de", name: "German", script: scriptLatin,
		words: `der die das den dem des ein eine einen einem einer und oder aber dass ist sind bin war wurde habe hat haben ich
			mich mir mein meine meinen meiner du dich dir sie ihr ihre ihnen wir uns es er nicht kein keine noch schon sehr zu
			mit von für auf an am im in bei aus nach um wo wann wie was warum wer hallo guten tag morgen abend danke vielen
			bitte möchte will kann können sprechen bestellung paket nie angekommen erhalten hilfe zurückgeben zurückschicken
			rückerstattung erstatten jemand menschen mensch jacke klein zweimal berechnet funktioniert
			auch nur gern gerne machen immer viel lange dauert soll geht gibt wird würde alles nichts`,
		chars: `ä ö ü ß=3`,
		grams: `sch=0.8 ung_ ich_ cht tz ck _ge ei ie _zu`},
	{code: "nl", name: "Dutch", script: scriptLatin,
		words: `de het een en of maar dat is zijn ben was werd heb heeft hebben ik mij me mijn je jij jou jouw u uw wij we ons
			onze hij zij ze niet geen nog al erg heel te met van voor op aan in bij uit naar om waar wanneer hoe wat waarom wie
			hallo hoi goedemorgen goedemiddag dag dank bedankt alstublieft alsjeblieft graag wil wilt kan kunt kunnen spreken
			praten bestelling pakket pakje nooit aangekomen ontvangen hulp terugsturen retourneren terugbetaling terugstorten
			iemand medewerker persoon jas klein keer betaald dezelfde jullie stuurden werkt
			ook alleen doen altijd veel lang moet gaat wordt zou alles niets steeds`,
		chars: `ë ï`,
		grams: `ij=0.8 oe aa ee uu ui sch cht _ge _be heid lijk tje uw`},
	{code: "sv", name: "Swedish", script: scriptLatin,
		words: `jag mig mitt min mina du dig din ditt ni er ert vi oss vår vårt han hon den det de dem en ett och eller men att
			är var varit blev har hade inte ingen inget ännu redan mycket för med på till från av om i hur vad varför när vem
			hej hallå tack snälla vill skulle kan kunna få prata tala beställning beställningen paket paketet aldrig kommit kom
			fram fått hjälp returnera återbetala återbetalning någon person människa jacka jackan liten gånger samma skickade
			fungerar
			också bara göra fortfarande alltid lång tid ska går finns blir allt nu god morgon ut än upp ner något nytt annan andra sig sin kommer sedan nej ja in`,
		chars: `å ä ö`,
		grams: `tj sj _hj ligt_ ning_ ade_ _sk ar_=0.3 rna_`},
	{code: "da", name: "Danish", script: scriptLatin,
		words: `jeg mig min mit mine du dig din dit i jer jeres vi os vores han hun den det de dem en et og eller men at er var
			været blev har havde ikke ingen intet endnu allerede meget for med på til fra af om hvordan hvad hvorfor hvornår hvor
			hvem hej tak venligst gerne vil ville kan kunne tale snakke bestilling ordre pakke pakken aldrig kommet fået
			modtaget hjælp hjælpen returnere refundere refusion nogen noget person menneske jakke jakken lille bliver blevet
			gange samme sendte virker
			også kun bare gøre stadig altid lang tid skal går findes alt nu tager god morgen godmorgen ud end op ned noget nyt anden andet andre efter nej ja sig sin kommer siden lidt hvis ind mange`,
		chars: `å æ=2 ø=2`,
		grams: `ej_ hed_ dt_ gt_ _hv ede_ æl`},
	{code: "no", name: "Norwegian", script: scriptLatin,
		words: `jeg meg min mitt mine du deg din ditt dere deres vi oss vår vårt han hun den det de dem en et ei og eller men at
			er var vært ble blitt har hadde ikke ingen ennå allerede mye veldig for med på til fra av om hvordan hva hvorfor når
			hvor hvem hei takk tusen vennligst gjerne vil ville kan kunne snakke prate bestilling ordre pakke pakken aldri kommet
			fått mottatt hjelp hjelpen returnere refundere refusjon noen noe person menneske jakke jakken liten belastet ganger
			samme sendte fungerer
			også bare kun gjøre fortsatt fremdeles alltid lang tid skal går finnes blir alt nå tar god morgen ut enn opp ned noe nytt annen annet andre etter nei ja seg sin kommer siden litt hvis å inn mange`,
		chars: `å æ=2 ø=2`,
		grams: `ei_ kk kj gj sjon het_ kt_ _hv`},
	{code: "fi", name: "Finnish", script: scriptLatin,
		words: `minä mä minun mun minulla minulle minua minulta sinä sä sinun te teidän teille me meidän hän se ne on ovat olen
			oli olisi ole ei en et eikä ja tai mutta että kun jos vielä jo nyt hyvin liian kanssa missä mihin milloin miten
			miksi mitä mikä kuka hei moi terve huomenta hyvää päivää kiitos kiitti paljon haluan haluaisin voin voinko voisitteko
			voitteko puhua tilaus tilaukseni tilauksen paketti pakettini koskaan saapunut tullut apua palauttaa palautus
			hyvitys joku jonkun ihmisen asiakaspalvelu takki takin pieni tämä tämän tuo kahdesti toimi
			myös vain tehdä teen edelleen aina kauan kestää pitää menee onko kaikki mitään`,
		chars: `ä ö`,
		grams: `aa ää ii uu yy kk tt ssa_ ssä_ sta_ stä_ lla_ llä_ lle_ ksi_ nen_ ni_ ko_ kö_ _ei`},
	{code: "pl", name: "Polish", script: scriptLatin,
		words: `ja mnie mi mój moja moje mojego mojej ty ciebie pan pani państwo my nas on ona ono oni to jest są był była było
			jestem nie tak i a oraz lub albo ale że czy w we z ze na do od dla po przez o u jak co gdzie kiedy dlaczego kto
			dzień dobry cześć witam dziękuję dzięki proszę chcę chciałbym chciałabym mogę możecie rozmawiać porozmawiać
			zamówienie zamówienia paczka paczki przesyłka przesyłki nigdy dotarła doszła przyszła pomoc zwrócić zwrot ktoś kimś
			człowiekiem konsultantem kurtka kurtkę mała mały za już jeszcze bardzo się tę razy działa śledzenia
			też tylko zrobić nadal zawsze długo trwa muszę ile wszystko nic by byś bym`,
		chars: `ą=3 ę=3 ł=3 ż=3 ź=3 ś=3 ć=3 ń=3 ó`,
		grams: `sz cz rz dz ie _prz ów_ ść ość wie ych_ ego_`},
	{code: "cs", name: "Czech", script: scriptLatin,
		words: `já mě mi můj moje mého moji ty tebe vy vás váš vaše my nás on ona ono oni to je jsou byl byla bylo jsem není ne
			ano a i nebo ale že jestli zda v ve z ze na do od pro po přes o u jak co kde kdy proč kdo dobrý den ahoj děkuji díky
			prosím chci chtěl chtěla bych můžu mohu můžete mluvit promluvit objednávka objednávku objednávky balík balíček
			zásilka zásilky nikdy nedorazil nedorazila dorazil přišel pomoc vrátit vrácení někdo někým člověkem operátorem
			bunda bundu tuto malá malý moc příliš už ještě velmi se si stejnou dvakrát nefunguje
			také jen udělat dělat pořád stále vždy dlouho trvá musím kolik všechno nic by bych byste bychom jsi jste`,
		chars: `ř=3 ě=3 ů=3 č š ž ý á é í ú ď=2 ť=2 ň=2`,
		grams: `ní_ ého_ ých_ ně _př ou_ _vy`},
	{code: "ro", name: "Romanian", script: scriptLatin,
		words: `eu mă mie mi meu mea mei mele tu te tine dumneavoastră voi vă noi ne el ea ei ele este e sunt era am ai are avem
			au fost nu da și sau dar că dacă în cu de la pe din pentru spre fără despre un o unui unei cum ce unde când cine bună
			ziua seara salut mulțumesc mersi frumos rog vreau să aș pot puteți vorbi vorbesc comanda comandă coletul colet
			pachetul niciodată ajuns primit ajutor returnez returna rambursare cineva persoană om operator geaca geacă mică mic
			prea încă deja acest această aceasta asta acum mai taxat ori aceeași banii linkul trimis funcționează
			doar face fac mereu mult durează trebuie cât tot nimic vreo`,
		chars: `ă=3 ș=3 ş ț=3 ţ=3 â î`,
		grams: `ul_ ului lor_ ește ție ția _în ii_ ea_ ează`},
	{code: "hu", name: "Hungarian", script: scriptLatin,
		words: `én engem nekem enyém te téged neked ön önt önnek maga mi minket ő ez az azt ezt egy és is nem igen van vagyok
			vagy volt lesz hogy de meg már még csak mert ha hol hová mikor hogyan miért mit ki ami szia sziasztok helló jó napot
			kívánok reggelt estét köszönöm köszi szépen kérem kérek szeretném szeretnék akarom tudok tudnék beszélni
			beszélhetnék rendelés rendelésem rendelésemet csomag csomagom soha érkezett megérkezett segítség visszaküldeni
			visszatéríteni valaki valakivel emberrel ügyintézővel kabát kabátot kicsi túl nagyon itt ott velem kétszer amit
			működik
			csak tenni tegyek mindig sokáig tart kell mennyi minden semmi`,
		chars: `ő=3 ű=3 á é í ó ö ú ü`,
		grams: `sz gy ny zs cs ly _meg ban_ ben_ nak_ nek_ val_ vel_ ért_ ás_ és_ kat_ ket_ tam_ tem_`},
	{code: "tr", name: "Turkish", script: scriptLatin,
		words: `ben beni bana benim sen seni sana senin siz sizi size sizin biz bizi bize bizim o onu ona onun bu şu bunu şunu bir
			ve ile veya ya ama fakat da de mi mı mu mü değil var yok için gibi kadar daha çok en hiç hala hâlâ henüz şimdi
			nerede nereye ne neden niye nasıl kim zaman merhaba selam günaydın iyi günler teşekkür teşekkürler ederim sağ ol
			lütfen istiyorum isterim istedim alabilir miyim misiniz konuşmak konuşabilir sipariş siparişim siparişimi kargo
			kargom paket paketim gelmedi ulaşmadı yardım iade etmek ödeme biri birisi yetkili yetkiliyle kişi insan ceket ceketi
			küçük kez ücret aynı takip çalışmıyor
			sadece yapmak hep uzun sürüyor gerek lazım hepsi hiçbir`,
		chars: `ğ=3 ş=2 ı=3 ç ö ü`,
		grams: `lar_ ler_ ım_ iş ıyor iyor yor_ mı_ dı_ di_`},
	{code: "id", name: "Indonesian", script: scriptLatin,
		words: `saya aku gue anda kamu kalian kami kita dia ia mereka ini itu yang dan atau tetapi tapi di ke dari untuk dengan
			pada dalam tidak tak bukan belum sudah udah akan bisa bisakah dapat mau ingin apa apakah mana dimana kapan bagaimana
			gimana mengapa kenapa siapa halo hai selamat pagi siang sore malam terima kasih makasih banyak tolong mohon bicara
			berbicara pesanan pesan paket kiriman pernah sampai datang bantuan bantu kembalikan mengembalikan dikembalikan
			pengembalian dana seseorang orang manusia petugas jaket kecil terlalu sangat masih juga ada adalah kali sama salah
			satunya pelacakan dikirim dibuka
			hanya cuma melakukan selalu lama berapa harus semua ya dong sih nih deh`,
		grams: `nya_=0.8 kan_=0.3 _me _ber _di=0.2 _ke ah_`},
	{code: "vi", name: "Vietnamese", script: scriptLatin,
		words: `tôi mình tớ bạn anh chị em ông bà chúng họ này đó kia là có không và hoặc nhưng của cho với ở trong từ đến tới
			được đã đang sẽ chưa rồi vẫn muốn cần thể làm sao thế nào tại vì ai đâu khi bao giờ xin chào cảm ơn nhiều vui lòng
			nói chuyện đơn hàng gói nhận giúp đỡ trả lại hoàn tiền người nhân viên áo khoác nhỏ quá rất chiếc bị lần cùng một
			đường theo dõi hoạt động`,
		chars: `đ=3 ơ=3 ư=3 ` + vietTones,
		grams: `_ng _ngh _nh _kh ươ`},

	{code: "ru", name: "Russian", script: scriptCyrillic,
		words: `я меня мне мой моя моё мое мои ты тебя вы вас вам ваш ваша мы нас он она оно они это этот эта эту что чтобы как
			где когда почему кто не нет да и или но а в во на с со к по из за от для у о об до был была было были есть буду
			здравствуйте привет добрый день спасибо большое пожалуйста хочу хотел хотела могу можно можете поговорить
			говорить заказ заказа посылка посылку пришла пришел пришёл доставлен никогда помощь помогите вернуть возврат
			деньги кто-нибудь человеком оператором куртку куртка маленькая слишком ещё уже очень так тот же один меня
			списали дважды ссылка отслеживания работает сколько есть если`,
		chars: `ы=3 э=3 ё=3`,
		grams: `ого_ ться_ ый_ ие_ ое_`},
	{code: "uk", name: "Ukrainian", script: scriptCyrillic,
		words: `я мене мені мій моя моє мої ти тебе ви вас вам ваш ваша ми нас він вона воно вони це цей ця цю що щоб як де коли
			чому хто не ні так і й або але а в у на з із зі до по від за для про о був була було були є буду вітаю привіт добрий
			день дякую щиро будь ласка хочу хотів хотіла можу можна можете поговорити говорити замовлення посилка посилку
			прийшла прийшов доставлено ніколи допомога допоможіть повернути повернення гроші хтось людиною оператором куртку
			куртка маленька замала занадто ще вже дуже двічі списали посилання відстеження працює треба`,
		chars: `і=3 ї=3 є=3 ґ=3`,
		grams: `ння_ ться_ ий_`},
	{code: "bg", name: "Bulgarian", script: scriptCyrillic,
		words: `аз мен ме мене ми мой моя мое моите моят моята ти теб вие вас ви ваш ваша ние нас той тя то те това този тази
			че как къде кога защо кой не да и или но а в във на с със към по от за до при е са съм беше бяха ще здравейте
			здрасти добър ден благодаря много моля искам бих мога може говоря поръчка поръчката пратка пратката пакет пакетът
			пристигна пристигнала никога помощ върна върнете връщане пари някой човек оператор якето яке малко твърде още вече
			така една съща едното плащане пъти таксуваха линкът проследяване работи има няма какво нещо всичко сте колко си трябва`,
		chars: `ъ=2`,
		grams: `ът_ ята_ ото_ ите_ ът ъл`},

	{code: "ar", name: "Arabic", script: scriptArabic,
		words: `أين طلبي طلب الطلب أريد اريد أن ان إرجاع ارجاع هذه هذا هل يمكنني يمكن يمكنكم التحدث مع شخص موظف من فضلك لو
			سمحت لم يصل وصل الطرد الشحنة شكرا شكراً جزيلاً جزيلا مرحبا مرحباً السلام عليكم صباح الخير في على إلى الى عن و أو
			لكن ما ماذا متى كيف لماذا أنا انا أنت انت نحن هو هي لا نعم كان قد صغيرة صغير جدا جداً استرداد المبلغ المال
			أبداً ابدا الذي رابط التتبع يعمل مرتين لنفس إنها`,
		chars: `ة=2 ي ك ى=2`,
		grams: `_ال=0.6`},
	{code: "fa", name: "Persian", script: scriptArabic,
		words: `من سفارش سفارشم کجاست کجا است هست نیست می خواهم میخواهم خواستم این آن را که به از در با برای تا و یا اما ولی
			چه چرا کی چطور آیا میتوانم توانم صحبت کنم کنید کردم یک شخص نفر کسی لطفا لطفاً سلام ممنون مرسی متشکرم بسته
			هرگز هیچ وقت نرسید رسید نرسیده کمک برگرداندن برگردانید پس بدهم پول کوچک خیلی هنوز بخیر شد شود میشود
			لینک پیگیری فرستادید کار نمی`,
		chars: `پ=1.5 چ=1.5 ژ=2 گ=1.5 ک ی`,
		grams: `ها_ های_ ام_`},
	{code: "ur", name: "Urdu", script: scriptArabic,
		words: `میرا میری میرے مجھے مجھ میں ہم آپ وہ یہ کیا کہاں کب کیوں کیسے کون ہے ہیں تھا تھی نہیں ہاں اور یا لیکن کا
			کی کے کو سے پر تک لیے لئے آرڈر پارسل پیکج کبھی پہنچا پہنچی واپس کرنا چاہتا چاہتی ہوں سکتا سکتی سکتے بات کسی انسان
			نمائندے شکریہ السلام علیکم براہ کرم مہربانی مدد رقم چھوٹی چھوٹا بہت ابھی ایک ہی دو بار پیسے کاٹے گئے کام رہا`,
		chars: `ٹ=3 ڈ=3 ڑ=3 ں=3 ے=3 ہ=3 ھ=2 پ چ گ ک ی`},

	{code: "el", name: "Greek", script: scriptGreek},
	{code: "he", name: "Hebrew", script: scriptHebrew},
	{code: "hy", name: "Armenian", script: scriptArmenian},
	{code: "hi", name: "Hindi", script: scriptDevanagari},
	{code: "bn", name: "Bengali", script: scriptBengali},
	{code: "ta", name: "Tamil", script: scriptTamil},
	{code: "th", name: "Thai", script: scriptThai},
	{code: "ka", name: "Georgian", script: scriptGeorgian},
	{code: "ko", name: "Korean", script: scriptHangul},
	{code: "ja", name: "Japanese", script: scriptKana},
	{code: "zh", name: "Chinese", script: scriptHan},
}

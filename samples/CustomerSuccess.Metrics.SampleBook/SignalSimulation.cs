namespace CustomerSuccess.Metrics.SampleBook;

/// <summary>
/// A customer's time with ARR, as the contract simulation played it: from a signing to the day its last contract
/// churned (the first day without ARR), or <see cref="Open"/> at the book's end; the segment at the signing; and the
/// reason of the churn that ended it (-1 while open).
/// </summary>
internal readonly record struct CustomerLife(int Customer, int Start, int Close, int Segment, int ChurnReason)
{
    public const int Open = int.MaxValue;

    public bool IsActive(int day) => day >= Start && day < Close;
}

/// <summary>
/// The customer-success signals of the book's last <see cref="SampleBookOptions.SignalMonths"/> months, on the days each
/// customer had ARR: a usage report each month end, an NPS answer each quarter and a CSAT answer on about one support
/// ticket a quarter, touches by the account's touch model, risks flagged and cleared, and assignments to CSMs.
/// </summary>
/// <remarks>
/// Every choice comes from a second <see cref="Random"/>, seeded from <see cref="SampleBookOptions.Seed"/> and drawn only
/// after the contracts were played, so the contract and cost events are the same with or without signals. Adoption
/// starts at a base of its own for each customer (about 0.7), ramps up after a signing, drifts from month to month and
/// falls in the last months of a customer about to churn (or, for a few, at risk at the book's end); survey scores follow
/// adoption; low usage is flagged below 0.4 and cleared on recovery; a lost champion or a cut budget comes before most
/// churns, and now and then to a customer that stays and later clears it.
/// </remarks>
internal sealed class SignalSimulation
{
    private const int SeedMix = 0x5167_4E41;

    private const double AdoptionBase = 0.70;
    private const double AdoptionSpread = 0.17;
    private const double AdoptionDrift = 0.05;
    private const double LowUsageBelow = 0.40;
    private const double LowUsageClearedFrom = 0.50;
    private const int OnboardingMonths = 3;

    private const double AtRiskShare = 0.10;
    private const double HandoverShare = 0.05;
    private const double MissedTouchShare = 0.10;
    private const double MissedTouchShareDeclining = 0.80;
    private const double EscalationRate = 0.015;
    private const double EscalationRateDeclining = 0.15;
    private const double TicketRate = 1 / 3.0;
    private const double CsatOn100Share = 0.15;

    /// <summary>Monthly chance, for a customer not in decline, that its champion leaves or its budget is cut.</summary>
    private const double ChampionLeftRate = 0.003;
    private const double BudgetCutRate = 0.002;

    private const int ChurnForBudget = 0;
    private const int ChurnForLowAdoption = 2;
    private const int ChurnOnAcquisition = 3;
    private const int ChurnForChampionLeft = 5;

    private static readonly double[] RampByMonth = [0.35, 0.60, 0.85];
    private static readonly double[] CsatWeights = [0.04, 0.06, 0.12, 0.33, 0.45];
    private static readonly double[] CsatWeightsDeclining = [0.30, 0.25, 0.25, 0.15, 0.05];

    private readonly Random _random;
    private readonly CustomerTable _table;
    private readonly List<CustomerLife> _lives;
    private readonly IReadOnlyDictionary<int, (int Day, int Segment)> _resegmented;
    private readonly int _windowStart;
    private readonly int _endDay;
    private readonly List<BookEvent> _events = new(256);
    private long _nextTicket = 1_000;

    // The customer being simulated: its lives are _lives[_firstLife.._firstLife + _lifeCount).
    private int _customer;
    private int _created;
    private int _firstLife;
    private int _lifeCount;
    private int _initialSegment;
    private int _respondents;
    private int _seats;
    private double _base;
    private double _drift;
    private int _npsMonth;
    private int _touchMonth;
    private int _webinarMonth;
    private int _assignedDay;
    private int _handoverDay;
    private int _handoverCsm;
    private readonly int[] _riskSince = new int[Vocabulary.RiskFactors.Length];
    private readonly int[] _riskUntil = new int[Vocabulary.RiskFactors.Length];

    // The life active in the month being simulated.
    private int _life;
    private int _declineStart;
    private int _declineMonths;
    private double _declineFloor;

    public SignalSimulation(SampleBookOptions options, CustomerTable table, List<CustomerLife> lives, IReadOnlyDictionary<int, (int Day, int Segment)> resegmented)
    {
        _random = new Random(options.Seed ^ SeedMix);
        _table = table;
        _lives = lives;
        _resegmented = resegmented;
        _endDay = options.End.DayNumber;
        _windowStart = Math.Max(options.Start.DayNumber, options.End.AddDays(1).AddMonths(-options.SignalMonths).DayNumber);
    }

    /// <summary>Hands each customer's signals to <paramref name="append"/>, customer by customer, each customer's in send order.</summary>
    public void Run(Action<BookEvent> append)
    {
        for (var i = 0; i < _lives.Count;)
        {
            var count = 1;
            while (i + count < _lives.Count && _lives[i + count].Customer == _lives[i].Customer)
            {
                count++;
            }

            SimulateCustomer(i, count);
            _events.Sort(static (a, b) => a.EffectiveDay != b.EffectiveDay
                ? a.EffectiveDay.CompareTo(b.EffectiveDay)
                : a.Created.CompareTo(b.Created));
            for (var n = 0; n < _events.Count; n++)
            {
                var e = _events[n];
                e.Number = n + 1;
                append(e);
            }

            i += count;
        }
    }

    private void SimulateCustomer(int firstLife, int lifeCount)
    {
        _customer = _lives[firstLife].Customer;
        _firstLife = firstLife;
        _lifeCount = lifeCount;
        _created = 0;
        _events.Clear();

        var firstActive = FirstActiveDay();
        if (firstActive < 0)
        {
            return;
        }

        _initialSegment = _lives[firstLife].Segment;
        _respondents = 1 + _random.Next(Vocabulary.Respondents.Length);
        _seats = SegmentOn(firstActive) switch
        {
            Vocabulary.Smb => _random.Next(5, 41),
            Vocabulary.MidMarket => _random.Next(40, 251),
            _ => _random.Next(250, 2_501),
        };
        _base = Math.Clamp(AdoptionBase + AdoptionSpread * Gaussian(), 0.15, 1.0);
        _drift = 0;
        _npsMonth = _random.Next(3);
        _touchMonth = _random.Next(3);
        _webinarMonth = _random.Next(6);
        Array.Fill(_riskSince, -1);
        Array.Fill(_riskUntil, -1);

        _handoverDay = -1;
        if (Chance(HandoverShare))
        {
            var day = _windowStart + _random.Next(_endDay - _windowStart + 1);
            var other = (_table.Csm[_customer] + 1 + _random.Next(Vocabulary.Csms.Length - 1)) % Vocabulary.Csms.Length;
            if (day > firstActive && IsActive(day))
            {
                (_handoverDay, _handoverCsm) = (day, other);
            }
        }

        _assignedDay = firstActive;
        Emit(BookEventType.CustomerAssigned, firstActive, detail: CsmOn(firstActive), variant: SegmentOn(firstActive));

        _life = -1;
        var last = DateOnly.FromDayNumber(_endDay);
        for (var month = FirstOfMonth(DateOnly.FromDayNumber(_windowStart)); month <= last; month = month.AddMonths(1))
        {
            var from = Math.Max(month.DayNumber, _windowStart);
            var to = Math.Min(month.AddMonths(1).DayNumber - 1, _endDay);
            var life = LifeIn(from, to);
            if (life < 0)
            {
                continue;
            }

            if (life != _life)
            {
                BeginLife(life);
            }

            SimulateMonth(month, from, to);
        }
    }

    /// <summary>The plan of a life seen for the first time: its decline, the risks that come before its churn, and its onboarding.</summary>
    private void BeginLife(int life)
    {
        _life = life;
        var l = _lives[life];
        var firstDay = Math.Max(l.Start, _windowStart);
        var lastDay = Math.Min(l.Close - 1, _endDay);
        _declineStart = int.MaxValue;

        var churnsInWindow = l.Close <= _endDay;
        var atRisk = !churnsInWindow && l.Start <= _endDay - 180 && Chance(AtRiskShare);
        if ((churnsInWindow && l.ChurnReason != ChurnOnAcquisition) || atRisk)
        {
            _declineMonths = 2 + _random.Next(4);
            _declineFloor = l.ChurnReason == ChurnForLowAdoption ? 0.10 + 0.10 * _random.NextDouble() : 0.20 + 0.20 * _random.NextDouble();
            var declineEnd = DateOnly.FromDayNumber(churnsInWindow ? l.Close : _endDay + 1);
            _declineStart = declineEnd.AddMonths(-_declineMonths).DayNumber;

            var roll = _random.NextDouble();
            var factor = l.ChurnReason switch
            {
                ChurnForChampionLeft => Vocabulary.ChampionLeft,
                ChurnForBudget => Vocabulary.BudgetCut,
                _ when roll < (atRisk ? 0.50 : 0.15) => Vocabulary.ChampionLeft,
                _ when roll < (atRisk ? 1.00 : 0.25) => Vocabulary.BudgetCut,
                _ => -1,
            };
            if (factor >= 0)
            {
                var flagDay = _declineStart + _random.Next(45);
                if (flagDay >= firstDay && flagDay <= lastDay && !IsOpen(factor, flagDay))
                {
                    Flag(factor, flagDay, factor == Vocabulary.ChampionLeft ? Vocabulary.High : Vocabulary.Medium, clearedOn: int.MaxValue);
                }
            }
        }

        if (l.Start >= _windowStart)
        {
            Touch(Vocabulary.OnboardingSession, l.Start + _random.Next(3, 21));
            if (SegmentOn(l.Start) != Vocabulary.Smb)
            {
                Touch(Vocabulary.Training, l.Start + _random.Next(20, 61));
            }
        }
    }

    private void SimulateMonth(DateOnly month, int from, int to)
    {
        var monthStart = month.DayNumber;
        var days = month.AddMonths(1).DayNumber - monthStart;
        var index = month.Year * 12 + month.Month - 1;
        var life = _lives[_life];
        var declining = to >= _declineStart;

        if (_resegmented.TryGetValue(_customer, out var resegmented) && resegmented.Day >= from && resegmented.Day <= to
            && resegmented.Day > _assignedDay && IsActive(resegmented.Day))
        {
            Emit(BookEventType.CustomerAssigned, resegmented.Day, detail: CsmOn(resegmented.Day), variant: resegmented.Segment);
        }

        if (_handoverDay >= from && _handoverDay <= to)
        {
            Emit(BookEventType.CustomerAssigned, _handoverDay, detail: _handoverCsm, variant: SegmentOn(_handoverDay));
        }

        var adoption = Adoption(life, month, to);

        // Touches by the touch model of the month, fewer of them while the customer drifts away.
        var missed = declining ? MissedTouchShareDeclining : MissedTouchShare;
        switch (SegmentOn(to))
        {
            case Vocabulary.Enterprise:
                if (!Chance(missed))
                {
                    Touch(Vocabulary.CheckIn, monthStart + _random.Next(9, 21));
                }

                if (index % 3 == _touchMonth && !Chance(missed))
                {
                    Touch(Vocabulary.Qbr, monthStart + _random.Next(days));
                }

                break;
            case Vocabulary.MidMarket:
                if (index % 3 == _touchMonth && !Chance(missed))
                {
                    Touch(Vocabulary.CheckIn, monthStart + _random.Next(days));
                }

                break;
            default:
                if (index % 6 == _webinarMonth && !Chance(missed))
                {
                    Touch(Vocabulary.Webinar, monthStart + _random.Next(9, 23));
                }

                break;
        }

        if (Chance(declining ? EscalationRateDeclining : EscalationRate))
        {
            Touch(Vocabulary.Escalation, monthStart + _random.Next(days));
        }

        if (index % 3 == _npsMonth)
        {
            Nps(monthStart + _random.Next(days), adoption, declining);
        }

        if (Chance(TicketRate))
        {
            Csat(monthStart + _random.Next(days), declining);
        }

        // A lost champion or a cut budget now and then, cleared a few months later unless the customer is gone by then.
        if (!declining)
        {
            foreach (var (factor, rate, severity) in (ReadOnlySpan<(int, double, int)>)
                     [(Vocabulary.ChampionLeft, ChampionLeftRate, Vocabulary.High), (Vocabulary.BudgetCut, BudgetCutRate, Vocabulary.Medium)])
            {
                if (Chance(rate))
                {
                    var day = monthStart + _random.Next(days);
                    var cleared = day + _random.Next(45, 151);
                    if (InWindow(day) && !IsOpen(factor, day))
                    {
                        Flag(factor, day, severity, clearedOn: cleared <= _endDay && IsActive(cleared) ? cleared : int.MaxValue);
                    }
                }
            }
        }

        // The month's usage report, on its last day, with low usage flagged and cleared by it.
        var monthEnd = month.AddMonths(1).DayNumber - 1;
        if (monthEnd == to && IsActive(to))
        {
            var activeUsers = (int)Math.Round(_seats * adoption, MidpointRounding.AwayFromZero);
            var features = Math.Clamp((int)Math.Round(adoption * 6 + 0.7 * Gaussian(), MidpointRounding.AwayFromZero), 1, Vocabulary.Features.Length);
            _events.Add(new BookEvent
            {
                Type = BookEventType.UsageReported,
                Customer = _customer,
                Created = _created++,
                EffectiveDay = to,
                SendDay = to,
                TermEndDay = Math.Max(monthStart, life.Start),
                Seats = _seats,
                Value = activeUsers,
                Amount = (long)activeUsers * _random.Next(6, 21),
                Variant = (byte)((1 << features) - 1),
                CustomerSegment = -1,
            });

            if (MonthsBetween(life.Start, to) >= OnboardingMonths)
            {
                var open = IsOpen(Vocabulary.LowUsage, to);
                if (!open && adoption < LowUsageBelow)
                {
                    Flag(Vocabulary.LowUsage, to, adoption < 0.30 ? Vocabulary.Medium : Vocabulary.Low, clearedOn: int.MaxValue);
                }
                else if (open && adoption >= LowUsageClearedFrom)
                {
                    _riskUntil[Vocabulary.LowUsage] = to;
                    Emit(BookEventType.RiskCleared, to, detail: Vocabulary.LowUsage, variant: 0);
                }
            }
        }
    }

    /// <summary>Active users over seats this month: the customer's base and drift, ramping up after a signing, falling in a decline.</summary>
    private double Adoption(CustomerLife life, DateOnly month, int to)
    {
        _drift = 0.8 * _drift + AdoptionDrift * Gaussian();
        var sinceSigning = MonthsBetween(life.Start, to);
        var ramp = sinceSigning < RampByMonth.Length ? RampByMonth[sinceSigning] : 1.0;
        var decline = 1.0;
        if (to >= _declineStart)
        {
            var into = MonthsBetween(_declineStart, month.DayNumber) + 1;
            decline = Math.Max(_declineFloor, 1 - (1 - _declineFloor) * into / _declineMonths);
        }

        var champion = IsOpen(Vocabulary.ChampionLeft, to) ? 0.85 : 1.0;
        return Math.Clamp((_base + _drift) * ramp * decline * champion, 0.02, 1.0);
    }

    private void Nps(int day, double adoption, bool declining)
    {
        var respondent = _random.Next(_respondents);
        var penalty = (declining ? 1.5 : 0) + (IsOpen(Vocabulary.ChampionLeft, day) || IsOpen(Vocabulary.BudgetCut, day) ? 1.5 : 0);
        var score = (int)Math.Clamp(Math.Round(3.2 + 8 * adoption - penalty + 1.3 * Gaussian(), MidpointRounding.AwayFromZero), 0, 10);
        var comment = score >= 9 && Chance(0.25) ? 1 + _random.Next(Vocabulary.DetractorComments)
            : score <= 6 && Chance(0.40) ? 1 + Vocabulary.DetractorComments + _random.Next(Vocabulary.NpsComments.Length - Vocabulary.DetractorComments)
            : 0;
        if (InWindow(day))
        {
            Emit(BookEventType.NpsAnswered, day, detail: respondent, variant: comment, value: score);
        }
    }

    private void Csat(int day, bool declining)
    {
        var respondent = Chance(0.7) ? 0 : _random.Next(_respondents);
        var on100 = Chance(CsatOn100Share);
        var score = on100
            ? (int)Math.Clamp(Math.Round(declining ? 55 + 20 * Gaussian() : 82 + 12 * Gaussian(), MidpointRounding.AwayFromZero), 1, 100)
            : 1 + Pick(declining ? CsatWeightsDeclining : CsatWeights);
        if (InWindow(day))
        {
            _events.Add(new BookEvent
            {
                Type = BookEventType.CsatAnswered,
                Customer = _customer,
                Created = _created++,
                EffectiveDay = day,
                SendDay = day,
                Detail = (sbyte)respondent,
                Variant = on100 ? (byte)1 : (byte)0,
                Value = score,
                Amount = _nextTicket++,
                CustomerSegment = -1,
            });
        }
    }

    /// <summary>A touch on the day, when the day is in the window and the customer has ARR then, led by the CSM of the day.</summary>
    private void Touch(int kind, int day)
    {
        if (InWindow(day))
        {
            Emit(BookEventType.EngagementRecorded, day, detail: kind, variant: CsmOn(day));
        }
    }

    /// <summary>Flags the factor on the day, and clears it on <paramref name="clearedOn"/> unless that is <see cref="int.MaxValue"/>.</summary>
    private void Flag(int factor, int day, int severity, int clearedOn)
    {
        _riskSince[factor] = day;
        _riskUntil[factor] = clearedOn;
        Emit(BookEventType.RiskFlagged, day, detail: factor, variant: severity);
        if (clearedOn != int.MaxValue)
        {
            Emit(BookEventType.RiskCleared, clearedOn, detail: factor, variant: 0);
        }
    }

    private bool IsOpen(int factor, int day) => _riskSince[factor] >= 0 && _riskSince[factor] <= day && day < _riskUntil[factor];

    private void Emit(BookEventType type, int day, int detail, int variant, int value = 0) =>
        _events.Add(new BookEvent
        {
            Type = type,
            Customer = _customer,
            Created = _created++,
            EffectiveDay = day,
            SendDay = day,
            Detail = (sbyte)detail,
            Variant = (byte)variant,
            Value = value,
            CustomerSegment = -1,
        });

    private int CsmOn(int day) => _handoverDay >= 0 && day >= _handoverDay ? _handoverCsm : _table.Csm[_customer];

    private int SegmentOn(int day) =>
        _resegmented.TryGetValue(_customer, out var resegmented) && day >= resegmented.Day ? resegmented.Segment : _initialSegment;

    /// <summary>Whether the day is in the signal window and the customer has ARR on it.</summary>
    private bool InWindow(int day) => day >= _windowStart && day <= _endDay && IsActive(day);

    private bool IsActive(int day)
    {
        for (var i = _firstLife; i < _firstLife + _lifeCount; i++)
        {
            if (_lives[i].IsActive(day))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first day in the window on which the customer has ARR; -1 when there is none.</summary>
    private int FirstActiveDay()
    {
        for (var i = _firstLife; i < _firstLife + _lifeCount; i++)
        {
            var l = _lives[i];
            var day = Math.Max(l.Start, _windowStart);
            if (day < l.Close && day <= _endDay)
            {
                return day;
            }
        }

        return -1;
    }

    /// <summary>The life with ARR on some day from <paramref name="from"/> to <paramref name="to"/>; -1 when none. A return comes months after a churn, so a month holds at most one.</summary>
    private int LifeIn(int from, int to)
    {
        for (var i = _firstLife; i < _firstLife + _lifeCount; i++)
        {
            if (_lives[i].Start <= to && _lives[i].Close > from)
            {
                return i;
            }
        }

        return -1;
    }

    private static DateOnly FirstOfMonth(DateOnly date) => new(date.Year, date.Month, 1);

    private static int MonthsBetween(int fromDay, int toDay)
    {
        var (a, b) = (DateOnly.FromDayNumber(fromDay), DateOnly.FromDayNumber(toDay));
        return (b.Year - a.Year) * 12 + b.Month - a.Month;
    }

    private bool Chance(double probability) => _random.NextDouble() < probability;

    private int Pick(double[] weights)
    {
        var roll = _random.NextDouble();
        for (var i = 0; i < weights.Length - 1; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    private double Gaussian() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}

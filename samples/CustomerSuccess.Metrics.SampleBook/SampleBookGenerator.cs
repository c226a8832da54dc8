using System.Text.Json.Nodes;

namespace CustomerSuccess.Metrics.SampleBook;

/// <summary>
/// Generates a synthetic, reproducible book of business: the contract, void and retention-cost events that
/// billing and CRM services would publish to the metrics engine, and the customer-success signals (usage, surveys,
/// touches, risks, assignments) of its last <see cref="SampleBookOptions.SignalMonths"/> months, in the order they
/// would send them.
/// </summary>
/// <remarks>
/// Every contract and cost choice comes from one <see cref="Random"/> seeded with <see cref="SampleBookOptions.Seed"/>;
/// the signals come from a second one, drawn after the contracts from the days each customer had ARR (see
/// <see cref="SignalSimulation"/>), so the contract and cost events do not depend on the signals, and the same options
/// always give byte-identical events. Every event is valid for the engine at the moment it is
/// sent: contracts are opened once, changed only while open, never reduced to zero, and the few upsells
/// that are sent late or entered twice (and voided) never break a neighbouring event.
/// Annually billed contracts run on annual terms; monthly and quarterly billed contracts renew every
/// billing period (month-to-month, quarter-to-quarter), with yearly churn spread over those terms and
/// prices changed only at anniversaries. Those periodic renewals are most of the book's volume.
/// </remarks>
public static class SampleBookGenerator
{
    /// <summary>
    /// The events in the order a publisher would send them, each in the published wire format. The list is
    /// read-only and compact: each read renders a new <see cref="JsonObject"/> with no parent.
    /// </summary>
    public static IReadOnlyList<JsonObject> Generate(SampleBookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Customers, nameof(options.Customers));
        ArgumentOutOfRangeException.ThrowIfNegative(options.SignalMonths, nameof(options.SignalMonths));
        if (options.End < options.Start)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "End must not be before Start.");
        }

        return new Simulation(options).Run();
    }

    private sealed class Simulation
    {
        // Book shape.
        private static readonly double[] SegmentShares = [0.60, 0.30, 0.10];
        private static readonly double[] AnnualChurn = [0.12, 0.08, 0.05];
        private const double SignWindowShare = 0.80;
        private const double MonthlyBilledSmbShare = 0.60;
        private const double QuarterlyBilledMidShare = 0.35;

        // Yearly chance, per contract, of each mid-term change.
        private const double UpsellRate = 0.20;
        private const double DownsellRate = 0.05;
        private const double CrossSellRate = 0.10;

        // Rare publisher behaviour and customer events.
        private const double BackdatedUpsellShare = 0.02;
        private const double DuplicateUpsellShare = 0.01;
        private const double ResegmentShare = 0.02;
        private const double ReturnShare = 0.10;

        private readonly Random _random;
        private readonly SampleBookOptions _options;
        private readonly int _startDay;
        private readonly int _endDay;
        private readonly int _signWindowDays;
        private readonly CustomerTable _customerTable;
        private readonly int[] _activeDelta;
        private readonly List<BookEvent> _customerEvents = new(64);

        // What the signals are drawn from: every customer's lives in order, and the customers re-segmented, with when.
        private readonly List<CustomerLife> _lives = [];
        private readonly Dictionary<int, (int Day, int Segment)> _resegmented = [];

        private BookEvent[] _book;
        private int _bookCount;

        // The customer being simulated.
        private int _customer;
        private int _segment;
        private int _created;
        private int _contracts;
        private bool _customerObjectSent;
        private bool _resegmentPending;

        // The customer's current "life": from a signing until every contract has churned.
        private int _lifeProducts;
        private int _lifeLastClose;
        private int _lifeLastReason;
        private bool _lifeOpenAtEnd;

        public Simulation(SampleBookOptions options)
        {
            _options = options;
            _random = new Random(options.Seed);
            _startDay = options.Start.DayNumber;
            _endDay = options.End.DayNumber;
            _signWindowDays = Math.Max(1, (int)Math.Round((_endDay - _startDay + 1) * SignWindowShare));
            _customerTable = new CustomerTable(options.Customers);
            _activeDelta = new int[MonthIndex(_endDay) + 2];
            _book = new BookEvent[Math.Max(16, (int)Math.Min(Array.MaxLength, (long)options.Customers * (22 + 2 * options.SignalMonths) + 256))];
        }

        public SampleBookEvents Run()
        {
            for (var customer = 1; customer <= _options.Customers; customer++)
            {
                SimulateCustomer(customer);
            }

            AddRetentionCosts();
            if (_options.SignalMonths > 0)
            {
                new SignalSimulation(_options, _customerTable, _lives, _resegmented).Run(Append);
            }

            return new SampleBookEvents(_book, SendOrder(), _customerTable);
        }

        private void SimulateCustomer(int customer)
        {
            _customer = customer;
            _created = 0;
            _contracts = 0;
            _customerObjectSent = false;
            _customerEvents.Clear();

            _segment = PickSegment();
            _customerTable.Csm[customer] = (byte)_random.Next(Vocabulary.Csms.Length);
            _customerTable.Suffix[customer] = (byte)_random.Next(Vocabulary.CompanySuffixes.Length);
            _resegmentPending = _random.NextDouble() < ResegmentShare;

            var lifeStart = _startDay + _random.Next(_signWindowDays);
            while (true)
            {
                _lifeProducts = 1;
                _lifeLastClose = lifeStart;
                _lifeLastReason = -1;
                _lifeOpenAtEnd = false;

                var segment = _segment;
                var (months, arr) = SigningArr();
                SimulateContract(BookEventType.Signed, lifeStart, product: 0, months, arr, primary: true);

                _activeDelta[MonthIndex(lifeStart)]++;
                if (_lifeOpenAtEnd)
                {
                    _lives.Add(new CustomerLife(customer, lifeStart, CustomerLife.Open, segment, -1));
                    break;
                }

                _activeDelta[MonthIndex(_lifeLastClose)]--;
                _lives.Add(new CustomerLife(customer, lifeStart, _lifeLastClose, segment, _lifeLastReason));

                // A churned customer sometimes comes back, signing a new contract 6-18 months later.
                if (_random.NextDouble() >= ReturnShare)
                {
                    break;
                }

                var returnDay = _lifeLastClose + _random.Next(183, 549);
                if (returnDay > _endDay)
                {
                    break;
                }

                lifeStart = returnDay;
            }

            FinishCustomer();
        }

        /// <summary>
        /// Plays one contract from its opening until it churns or the book ends. Term ends come every
        /// billing period (annual contracts renew yearly, monthly and quarterly billed ones every period);
        /// churn rates are yearly and spread over the terms, and prices change only at anniversaries.
        /// </summary>
        private void SimulateContract(BookEventType kind, int openDay, int product, int months, long arr, bool primary)
        {
            var contract = ++_contracts;
            var open = DateOnly.FromDayNumber(openDay);
            var termsPerYear = 12 / months;
            var churnPerTerm = 1 - Math.Pow(1 - AnnualChurn[_segment], months / 12.0);

            Emit(new BookEvent
            {
                Type = kind,
                Contract = contract,
                EffectiveDay = openDay,
                SendDay = openDay,
                TermEndDay = open.AddMonths(months).DayNumber - 1,
                Amount = arr,
                PeriodMonths = (byte)months,
                Detail = (sbyte)product,
                CustomerSegment = _customerObjectSent ? (sbyte)-1 : (sbyte)_segment,
            });
            _customerObjectSent = true;

            // Upsells sent late, not yet known to the engine: a downsell must fit the ARR the engine knows.
            List<(int SendDay, long Amount)>? unsent = null;

            for (var year = 0; ; year++)
            {
                var yearStart = open.AddMonths(12 * year).DayNumber;
                var nextYear = open.AddMonths(12 * (year + 1)).DayNumber;

                var upsellDay = Chance(UpsellRate) ? _random.Next(yearStart + 1, nextYear) : int.MaxValue;
                var downsellDay = Chance(DownsellRate) ? _random.Next(yearStart + 1, nextYear) : int.MaxValue;
                var crossSellDay = primary && Chance(CrossSellRate) ? _random.Next(yearStart + 1, nextYear) : int.MaxValue;

                for (var term = 1; term <= termsPerYear;)
                {
                    var boundary = open.AddMonths(12 * year + term * months).DayNumber;
                    var next = Math.Min(upsellDay, Math.Min(downsellDay, crossSellDay));
                    if (next < boundary)
                    {
                        if (next > _endDay)
                        {
                            _lifeOpenAtEnd = true;
                            return;
                        }

                        if (next == upsellDay)
                        {
                            upsellDay = int.MaxValue;
                            arr += Upsell(contract, next, months, arr, ref unsent);
                        }
                        else if (next == downsellDay)
                        {
                            downsellDay = int.MaxValue;
                            arr -= Downsell(contract, next, months, arr, unsent);
                        }
                        else
                        {
                            crossSellDay = int.MaxValue;
                            CrossSell(next, months, arr);
                        }

                        continue;
                    }

                    // A change on the very day a term ends is dropped: the renewal or churn is that day's news.
                    if (upsellDay == boundary)
                    {
                        upsellDay = int.MaxValue;
                    }

                    if (downsellDay == boundary)
                    {
                        downsellDay = int.MaxValue;
                    }

                    if (crossSellDay == boundary)
                    {
                        crossSellDay = int.MaxValue;
                    }

                    if (boundary > _endDay)
                    {
                        _lifeOpenAtEnd = true;
                        return;
                    }

                    if (Chance(churnPerTerm))
                    {
                        var reason = _random.Next(Vocabulary.ChurnReasons.Length);
                        Emit(new BookEvent
                        {
                            Type = BookEventType.Churned,
                            Contract = contract,
                            EffectiveDay = boundary,
                            SendDay = boundary,
                            Detail = (sbyte)reason,
                            CustomerSegment = -1,
                        });
                        if (boundary >= _lifeLastClose)
                        {
                            (_lifeLastClose, _lifeLastReason) = (boundary, reason);
                        }

                        return;
                    }

                    if (term == termsPerYear)
                    {
                        arr = Reprice(arr, months);
                    }

                    // Re-segmentation is re-sent with an anniversary renewal, never with the first event.
                    var segmentSent = (sbyte)-1;
                    if (_resegmentPending && term == termsPerYear)
                    {
                        _resegmentPending = false;
                        _segment = OtherSegment(_segment);
                        segmentSent = (sbyte)_segment;
                        _resegmented[_customer] = (boundary, _segment);
                    }

                    Emit(new BookEvent
                    {
                        Type = BookEventType.Renewed,
                        Contract = contract,
                        EffectiveDay = boundary,
                        SendDay = boundary,
                        TermEndDay = open.AddMonths(12 * year + (term + 1) * months).DayNumber - 1,
                        Amount = arr,
                        PeriodMonths = (byte)months,
                        CustomerSegment = segmentSent,
                    });

                    // The renewal sets ARR outright, so late upsells before it no longer matter to later downsells.
                    unsent?.Clear();
                    term++;
                }
            }
        }

        private long Upsell(int contract, int day, int months, long arr, ref List<(int SendDay, long Amount)>? unsent)
        {
            var increase = Step(arr * _random.Next(5, 31) / 100.0, ChangeUnit(months));
            var upsell = new BookEvent
            {
                Type = BookEventType.Upsold,
                Contract = contract,
                EffectiveDay = day,
                SendDay = day,
                Amount = increase,
                CustomerSegment = -1,
            };

            var roll = _random.NextDouble();
            if (roll < BackdatedUpsellShare)
            {
                // A backdated correction: sent 30-90 days later, keeping its effective date.
                upsell.SendDay = Math.Min(day + _random.Next(30, 91), _endDay);
                (unsent ??= []).Add((upsell.SendDay, increase));
                Emit(upsell);
            }
            else if (roll < BackdatedUpsellShare + DuplicateUpsellShare)
            {
                // Entered twice: the copy follows at once and is voided before the customer's next event.
                Emit(upsell);
                upsell.Duplicate = true;
                Emit(upsell);
            }
            else
            {
                Emit(upsell);
            }

            return increase;
        }

        private long Downsell(int contract, int day, int months, long arr, List<(int SendDay, long Amount)>? unsent)
        {
            var known = arr;
            if (unsent is not null)
            {
                foreach (var (sendDay, amount) in unsent)
                {
                    if (sendDay >= day)
                    {
                        known -= amount;
                    }
                }
            }

            var unit = ChangeUnit(months);
            var decrease = Step(known * _random.Next(5, 21) / 100.0, unit);
            if (decrease >= known)
            {
                decrease = known - unit;
            }

            if (decrease <= 0)
            {
                return 0;
            }

            Emit(new BookEvent
            {
                Type = BookEventType.Downsold,
                Contract = contract,
                EffectiveDay = day,
                SendDay = day,
                Amount = decrease,
                CustomerSegment = -1,
            });
            return decrease;
        }

        private void CrossSell(int day, int months, long primaryArr)
        {
            var remaining = Vocabulary.Products.Length - System.Numerics.BitOperations.PopCount((uint)_lifeProducts);
            if (remaining <= 0)
            {
                return;
            }

            var pick = _random.Next(remaining);
            var product = 0;
            for (var p = 0; p < Vocabulary.Products.Length; p++)
            {
                if ((_lifeProducts & (1 << p)) == 0 && pick-- == 0)
                {
                    product = p;
                    break;
                }
            }

            _lifeProducts |= 1 << product;
            var arr = Step(primaryArr * _random.Next(15, 41) / 100.0, OpeningUnit(months));
            SimulateContract(BookEventType.CrossSold, day, product, months, arr, primary: false);
        }

        /// <summary>A new primary contract's billing period and ARR for the customer's segment, in 100s.</summary>
        private (int Months, long Arr) SigningArr() => _segment switch
        {
            Vocabulary.Smb when Chance(MonthlyBilledSmbShare) => (1, 12L * 25 * _random.Next(10, 51)),
            Vocabulary.Smb => (12, 100L * _random.Next(30, 151)),
            Vocabulary.MidMarket when Chance(QuarterlyBilledMidShare) => (3, 4L * 100 * _random.Next(50, 201)),
            Vocabulary.MidMarket => (12, 100L * _random.Next(200, 801)),
            _ => (12, 100L * _random.Next(1_000, 5_001)),
        };

        /// <summary>ARR moves by -5%..+10% at each anniversary, keeping the billed amount whole.</summary>
        private long Reprice(long arr, int months)
        {
            var factor = (100 + _random.Next(-5, 11)) / 100.0;
            if (months == 12)
            {
                return Math.Max(100, (long)Math.Round(arr * factor, MidpointRounding.AwayFromZero));
            }

            var billed = arr * months / 12;
            billed = Math.Max(1, (long)Math.Round(billed * factor, MidpointRounding.AwayFromZero));
            return billed * 12 / months;
        }

        /// <summary>ARR changes keep ARR a whole multiple of 12 / months, so the billed amount stays whole.</summary>
        private static int ChangeUnit(int months) => months == 12 ? 100 : 12 / months;

        /// <summary>Openings are in 100s of ARR and whole billed amounts (monthly in 25s, quarterly in 100s).</summary>
        private static int OpeningUnit(int months) => months switch
        {
            1 => 300,
            3 => 400,
            _ => 100,
        };

        private static long Step(double raw, int unit) =>
            Math.Max(unit, (long)Math.Round(raw / unit, MidpointRounding.AwayFromZero) * unit);

        private int PickSegment()
        {
            var roll = _random.NextDouble();
            for (var segment = 0; segment < SegmentShares.Length - 1; segment++)
            {
                roll -= SegmentShares[segment];
                if (roll < 0)
                {
                    return segment;
                }
            }

            return SegmentShares.Length - 1;
        }

        private int OtherSegment(int segment) => segment switch
        {
            Vocabulary.Smb => Vocabulary.MidMarket,
            Vocabulary.Enterprise => Vocabulary.MidMarket,
            _ => Chance(0.5) ? Vocabulary.Enterprise : Vocabulary.Smb,
        };

        private bool Chance(double probability) => _random.NextDouble() < probability;

        private void Emit(BookEvent e)
        {
            e.Customer = _customer;
            e.Created = _created++;
            _customerEvents.Add(e);
        }

        /// <summary>
        /// Puts the customer's events in send order, numbers them, adds the voids of duplicates and appends
        /// them to the book. A void goes out up to five days after its duplicate, but always before the
        /// customer's next event.
        /// </summary>
        private void FinishCustomer()
        {
            _customerEvents.Sort(static (a, b) => a.SendDay != b.SendDay
                ? a.SendDay.CompareTo(b.SendDay)
                : a.Created.CompareTo(b.Created));

            var number = 0;
            for (var i = 0; i < _customerEvents.Count; i++)
            {
                var e = _customerEvents[i];
                e.Number = ++number;
                Append(e);
                if (!e.Duplicate)
                {
                    continue;
                }

                var voidDay = Math.Min(e.SendDay + _random.Next(0, 6), _endDay);
                if (i + 1 < _customerEvents.Count)
                {
                    var nextDay = _customerEvents[i + 1].SendDay;
                    voidDay = nextDay > e.SendDay ? Math.Min(voidDay, nextDay - 1) : e.SendDay;
                }

                Append(new BookEvent
                {
                    Type = BookEventType.Voided,
                    Customer = _customer,
                    Number = ++number,
                    VoidedNumber = e.Number,
                    EffectiveDay = voidDay,
                    SendDay = voidDay,
                    CustomerSegment = -1,
                });
            }
        }

        /// <summary>Monthly retention costs, dated month end, scaled to the customers active that month.</summary>
        private void AddRetentionCosts()
        {
            var first = new DateOnly(_options.Start.Year, _options.Start.Month, 1);
            var active = 0;
            for (var month = first; month <= _options.End; month = month.AddMonths(1))
            {
                active += _activeDelta[MonthIndex(month.DayNumber)];
                var monthEnd = month.AddMonths(1).AddDays(-1);
                if (monthEnd < _options.Start || monthEnd > _options.End)
                {
                    continue;
                }

                long[] amounts =
                [
                    Step(active * 110 * (0.95 + 0.1 * _random.NextDouble()), 100),
                    1_500 + Step(active * 12 * (0.9 + 0.2 * _random.NextDouble()), 10),
                    Step(active * 25 * (0.6 + 0.8 * _random.NextDouble()), 10),
                ];
                for (var category = 0; category < amounts.Length; category++)
                {
                    Append(new BookEvent
                    {
                        Type = BookEventType.RetentionCost,
                        EffectiveDay = monthEnd.DayNumber,
                        SendDay = monthEnd.DayNumber,
                        Amount = active == 0 && category != 1 ? 0 : amounts[category],
                        Detail = (sbyte)category,
                        CustomerSegment = -1,
                    });
                }
            }
        }

        private void Append(BookEvent e)
        {
            if (_bookCount == _book.Length)
            {
                Array.Resize(ref _book, (int)Math.Min(Array.MaxLength, _book.Length * 2L));
            }

            _book[_bookCount++] = e;
        }

        /// <summary>
        /// A stable counting sort by send day. Customers' contract events were appended one after another in their
        /// own send order, then the costs, then the signals customer by customer, so a day's contract events go out
        /// customer by customer, then the day's costs, then its signals.
        /// </summary>
        private int[] SendOrder()
        {
            var days = _endDay - _startDay + 1;
            var next = new int[days + 1];
            for (var i = 0; i < _bookCount; i++)
            {
                next[_book[i].SendDay - _startDay + 1]++;
            }

            for (var d = 1; d <= days; d++)
            {
                next[d] += next[d - 1];
            }

            var order = new int[_bookCount];
            for (var i = 0; i < _bookCount; i++)
            {
                order[next[_book[i].SendDay - _startDay]++] = i;
            }

            return order;
        }

        private int MonthIndex(int dayNumber)
        {
            var date = DateOnly.FromDayNumber(dayNumber);
            return ((date.Year - _options.Start.Year) * 12) + date.Month - _options.Start.Month;
        }
    }
}
